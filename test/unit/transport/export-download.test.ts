// Browser mode's export download: POST /export answers a zip of what `quire export` writes
// (PAGE or ALTO with page images, plain text, ground truth), of the project or chosen
// documents, with model readings where asked; bad requests and empty exports say why.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { serveProject } from '../../../main/app/browser-mode.ts';
import { Project } from '../../../main/project/project.ts';
import { tempDir } from '../../helpers/project.ts';
import { importPageFixture } from '../../helpers/page-fixture.ts';

let app: Awaited<ReturnType<typeof serveProject>>;

before(async () => {
  const dir = join(tempDir(), 'parish project');
  const project = Project.init(dir);
  await importPageFixture(project);
  project.close();
  app = await serveProject(dir);
});
after(() => app.close());

const download = (body: unknown, token = app.server.token) =>
  fetch(`http://127.0.0.1:${app.server.port}/export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-quire-token': token },
    body: JSON.stringify(body),
  });

async function unzip(res: Response): Promise<Record<string, string>> {
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/zip');
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  assert.equal(Number(res.headers.get('x-quire-files')), Object.keys(files).length);
  return Object.fromEntries(
    Object.entries(files).map(([name, data]) => [name, name.endsWith('.png') ? `png ${data.length}` : strFromU8(data)]),
  );
}

test('the project as PAGE XML: each page image beside its XML, named after project and format', async () => {
  const res = await download({ format: 'page' });
  assert.match(res.headers.get('content-disposition')!, /filename="parish_project-page\.zip"/);
  const files = await unzip(res);
  assert.deepEqual(Object.keys(files).sort(), ['page-2019.png', 'page-2019.xml']);
  assert.match(files['page-2019.xml'], /<PcGts[^>]*>/);
  assert.match(files['page-2019.xml'], /Anno 1743 the 4th of May/);
});

test('one document as plain text and as ground truth; the zip is named after the document', async () => {
  const [doc] = (await app.project.db.prepare('SELECT id FROM documents').all()) as Array<{ id: number }>;
  const text = await download({ format: 'text', documentIds: [doc.id] });
  assert.match(text.headers.get('content-disposition')!, /parish_project-page-2019-text\.zip/);
  assert.match(Object.values(await unzip(text))[0], /Anno 1743 the 4th of May/);
  const gt = await unzip(await download({ format: 'gt', documentIds: [doc.id] }));
  const texts = Object.entries(gt)
    .filter(([n]) => n.endsWith('.gt.txt'))
    .map(([, t]) => t.trim());
  assert.ok(texts.includes('Anno 1743 the 4th of May'), JSON.stringify(texts));
  assert.equal(Object.keys(gt).filter((n) => n.endsWith('.png')).length, texts.length, 'an image for each text');
});

test('refused: bad formats, unknown fields, no token; an export of no document says why', async () => {
  const bad = await download({ format: 'docx' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /^export: format/);
  assert.equal((await download({ format: 'page', out: '/etc' })).status, 400, 'no folder on the server can be named');
  assert.equal((await download({ format: 'page' }, 'f'.repeat(48))).status, 401);
  const none = await download({ format: 'page', documentIds: [999] });
  assert.equal(none.status, 500);
  assert.match((await none.json()).message, /no document 999 in this project/);
});
