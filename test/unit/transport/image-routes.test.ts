// The desktop app's quire-image: protocol and browser mode's HTTP image routes answer every
// request alike (both go through image-lookup.ts): the project's page images and line
// crops, and 404 for anything else a URL might name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../../../main/project/project.ts';
import { importFiles, importLineFolder } from '../../../main/import/import-images.ts';
import { cropKey, lineImagePng } from '../../../main/project/line-images.ts';
import { imageHandler } from '../../../main/transport/app-protocols.ts';
import { startBrowserServer } from '../../../main/transport/http-server.ts';
import { createService } from '../../../main/api/service.ts';
import { createDispatcher } from '../../../main/api/dispatch.ts';
import type { QuireApi } from '../../../shared/api.ts';
import { png } from '../../helpers/images.ts';
import { tempDir } from '../../helpers/project.ts';

test('quire-image: and the HTTP image routes make the same checks', async (t) => {
  const root = tempDir();
  const project = Project.init(join(root, 'p'));
  t.after(() => project.close());
  writeFileSync(join(root, 'scan.png'), await png(300, 200));
  await importFiles(project, [join(root, 'scan.png')]);
  const lines = join(root, 'lines');
  await import('node:fs').then((fs) => fs.mkdirSync(lines));
  writeFileSync(join(lines, 'a.png'), await png(100, 30, '#eee'));
  await importLineFolder(project, lines);
  const hash = (project.db.prepare('SELECT image_hash AS h FROM pages ORDER BY id LIMIT 1').get() as { h: string }).h;
  const lineId = (project.db.prepare('SELECT id FROM lines LIMIT 1').get() as { id: number }).id;
  const key = (() => {
    const row = project.db
      .prepare('SELECT p.image_hash AS h, l.polygon FROM lines l JOIN pages p ON p.id = l.page_id WHERE l.id = ?')
      .get(lineId) as { h: string; polygon: string };
    return cropKey(row.h, row.polygon);
  })();
  const source = { images: () => project.images, lineImage: (id: number, k?: string) => lineImagePng(project, id, k) };
  const server = await startBrowserServer({
    api: createDispatcher(createService(project) as unknown as QuireApi),
    staticDir: root,
    ...source,
  });
  t.after(() => server.close());
  const protocol = imageHandler(source);

  const other = 'a'.repeat(64);
  // [protocol URL, HTTP path, expected status]
  const cases: Array<[string, string, number]> = [
    [`quire-image://${hash}/page`, `/images/${hash}/page`, 200],
    [`quire-image://${hash}/thumb`, `/images/${hash}/thumb`, 200],
    [`quire-image://${hash}/preview`, `/images/${hash}/preview`, 200],
    [`quire-image://${hash}/preview-small`, `/images/${hash}/preview-small`, 200],
    [`quire-image://${hash}/preview-large`, `/images/${hash}/preview-large`, 200],
    [`quire-image://${hash}/preview-huge`, `/images/${hash}/preview-huge`, 404],
    [`quire-image://${hash}/original`, `/images/${hash}/original`, 404],
    [`quire-image://${hash}/page/extra`, `/images/${hash}/page%2Fextra`, 404],
    [`quire-image://${other}/page`, `/images/${other}/page`, 404],
    [`quire-image://${hash.slice(1)}/page`, `/images/${hash.slice(1)}/page`, 404],
    [`quire-image://etc/passwd`, `/images/etc/passwd`, 404],
    [`quire-image://${hash}/..%2F..%2Fquire.db`, `/images/${hash}/..%2F..%2Fquire.db`, 404],
    [`quire-image://line/${lineId}`, `/line-image/${lineId}`, 200],
    [`quire-image://line/${lineId}?crop=${key}`, `/line-image/${lineId}?crop=${key}`, 200],
    // Another shape's key (a stale URL, or another project's line of this id) names no crop.
    [`quire-image://line/${lineId}?crop=${'0'.repeat(16)}`, `/line-image/${lineId}?crop=${'0'.repeat(16)}`, 404],
    [`quire-image://line/${lineId}?crop=../x`, `/line-image/${lineId}?crop=../x`, 404],
    [`quire-image://line/0`, `/line-image/0`, 404],
    [`quire-image://line/1.5`, `/line-image/1.5`, 404],
    [`quire-image://line/abc`, `/line-image/abc`, 404],
    [`quire-image://line/99999`, `/line-image/99999`, 404],
  ];
  for (const [url, path, expected] of cases) {
    const viaProtocol = await protocol(new Request(url));
    const viaHttp = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { 'x-quire-token': server.token } });
    assert.equal(viaProtocol.status, expected, url);
    assert.equal(viaHttp.status, expected, path);
    if (expected === 200) {
      assert.equal(viaProtocol.headers.get('content-type'), viaHttp.headers.get('content-type'), url);
      assert.deepEqual(Buffer.from(await viaProtocol.arrayBuffer()), Buffer.from(await viaHttp.arrayBuffer()), url);
    } else {
      await viaHttp.arrayBuffer();
    }
  }
});
