// An upload to a team server on a project folder is imported as the uploading account: the
// texts it brings record that account as their author, as any edit records its account
// (their source still names the file). An import with no account (the desktop, the quire
// command) records 'import', as it always did.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { addUser } from '../../../main/accounts/accounts.ts';
import { serveTeam } from '../../../main/app/team-server.ts';
import { importFiles } from '../../../main/import/import-images.ts';
import { Project } from '../../../main/project/project.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { apiCall, signIn } from '../../helpers/team-client.ts';

const TEXT = 'Anno 1743 the 4th of May';

let server: Awaited<ReturnType<typeof serveTeam>>;
let base: string;
const uploads: Record<string, Buffer> = {};

before(async () => {
  uploads['page-2019.xml'] = readFileSync(new URL('../../fixtures/xml/page-2019.xml', import.meta.url));
  uploads['folio-12r.png'] = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#efe6d2' } })
    .png()
    .toBuffer();
  const dir = join(tempDir(), 'project');
  const project = Project.init(dir);
  await addUser(project.db, 'ada', 'admin', 'ada-password');
  project.close();
  server = await serveTeam(dir, { port: 0 });
  base = `http://127.0.0.1:${server.server.port}`;
});
after(() => server.close());

/** Every saved text of the project's lines: [author, source, text]. */
function texts(project: Project): Array<[string, string, string]> {
  const rows = project.db.prepare('SELECT author, source, text FROM transcriptions ORDER BY id').all() as Array<Record<string, string>>;
  return rows.map((r) => [r.author, r.source, r.text]);
}

test('an admin’s upload records the admin as the author of the texts it imports', async () => {
  const ada = await signIn(base, 'ada');
  for (const [name, bytes] of Object.entries(uploads)) {
    const staged = await fetch(`${base}/upload?name=${name}&batch=adabatch1`, {
      method: 'POST',
      headers: { cookie: ada },
      body: new Uint8Array(bytes),
    });
    assert.equal(staged.status, 200, name);
  }
  const done = await fetch(`${base}/upload?batch=adabatch1&done=1`, { method: 'POST', headers: { cookie: ada } });
  const report = await done.json();
  assert.equal(done.status, 200, JSON.stringify(report));
  assert.deepEqual(report.failed, []);
  const [doc] = (await apiCall(base, 'listDocuments', {}, ada)).body;
  const [page] = (await apiCall(base, 'listPages', { documentId: doc.id }, ada)).body;
  const { lines } = (await apiCall(base, 'getPage', { pageId: page.id }, ada)).body;
  const line = lines.find((l: { text: string | null }) => l.text === TEXT);
  assert.equal(line.author, 'ada', 'the page shows who imported the text');
  const history = (await apiCall(base, 'lineHistory', { lineId: line.id }, ada)).body;
  assert.deepEqual(
    history.map((h: { author: string; source: string }) => [h.author, h.source]),
    [['ada', 'import:page-2019.xml']],
  );
});

test('an import with no account records the author "import"', async () => {
  const project = newProject();
  try {
    const folder = tempDir();
    for (const [name, bytes] of Object.entries(uploads)) writeFileSync(join(folder, name), bytes);
    await importFiles(project, [folder]);
    assert.deepEqual(
      texts(project).filter(([, , text]) => text === TEXT),
      [['import', 'import:page-2019.xml', TEXT]],
    );
  } finally {
    project.close();
  }
});
