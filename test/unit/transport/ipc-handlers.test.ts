// The desktop app's IPC table (what ipcMain answers): requests are validated like browser
// mode's HTTP API, errors cross as data, only known dialogs are shown, and an import by
// path makes the same checks as an upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectHost } from '../../../main/app/project-host.ts';
import { Project } from '../../../main/project/project.ts';
import { channelTable, createIpcHandlers, DIALOGS, type OpenDialogOptions } from '../../../main/transport/ipc-handlers.ts';
import { IPC, DIALOG_KINDS } from '../../../shared/bridge.ts';
import type { ImportReport } from '../../../shared/api.ts';
import { png } from '../../helpers/images.ts';
import { tempDir } from '../../helpers/project.ts';

function setup(answer: string[] = []) {
  const dir = join(tempDir(), 'p');
  Project.init(dir).close();
  const host = new ProjectHost(dir, () => {});
  const shown: OpenDialogOptions[] = [];
  const table = channelTable(
    createIpcHandlers(host.dispatcher(), {
      showOpen: async (o) => {
        shown.push(o);
        return answer;
      },
    }),
  );
  return { host, shown, call: table[IPC.call], choose: table[IPC.choose] };
}

test('calls are validated and errors come back as data', async (t) => {
  const { host, call } = setup();
  t.after(() => host.close());
  const missing = (name: string) => ({ ok: false, error: { code: 'not-found', name: 'NotFound', message: `no API method ${name}` } });
  assert.deepEqual(await call('nope', {}), missing('nope'));
  assert.deepEqual(await call('toString', {}), missing('toString'));
  const bad = (await call('getPage', { pageId: 'x' })) as { ok: false; error: { name: string; code: string } };
  assert.equal(bad.error.name, 'RequestError');
  assert.equal(bad.error.code, 'invalid-request');
  const info = (await call('projectInfo', {})) as { ok: true; value: { documents: number } };
  assert.equal(info.value.documents, 0);
});

test('only the known dialogs are shown, each with its own options', async (t) => {
  const { host, choose, shown } = setup(['/somewhere']);
  t.after(() => host.close());
  await assert.rejects(choose('show-me-anything'), /no dialog/);
  for (const kind of DIALOG_KINDS) assert.deepEqual(await choose(kind), ['/somewhere']);
  assert.deepEqual(
    shown,
    DIALOG_KINDS.map((k) => DIALOGS[k]),
  );
  assert.ok(DIALOGS['create-project'].properties.includes('createDirectory'));
  assert.ok(!DIALOGS['import-lines'].properties.includes('multiSelections'));
});

test('an import by path refuses what an upload refuses: devices, pipes, links out of the folder', async (t) => {
  const { host, call } = setup();
  t.after(() => host.close());
  const root = tempDir();
  const folder = join(root, 'scans');
  mkdirSync(folder);
  writeFileSync(join(folder, 'good.png'), await png(200, 100));
  writeFileSync(join(root, 'secret.png'), await png(60, 60, '#123456'));
  symlinkSync(join(root, 'secret.png'), join(folder, 'link.png'));
  execFileSync('mkfifo', [join(folder, 'pipe.png')]);
  const result = (await call('importFiles', { paths: [folder, '/dev/zero'] })) as { ok: true; value: ImportReport };
  assert.deepEqual(
    result.value.imported.map((d) => d.file),
    [join(folder, 'good.png')],
  );
  const reasons = Object.fromEntries(result.value.failed.map((f) => [f.file, f.reason]));
  assert.match(reasons[join(folder, 'link.png')], /outside the imported folder/);
  assert.match(reasons[join(folder, 'pipe.png')], /not a regular file/);
  assert.match(reasons['/dev/zero'], /not a regular file/);
});
