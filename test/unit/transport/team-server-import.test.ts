// Uploads to a team server on the PostgreSQL store (skipped where PostgreSQL is not
// installed): an admin's scans and PAGE files are imported as in a project folder (the same
// documents, pages, regions, lines and texts, the admin their author; the images in the
// shared folder); a corrupt file is reported by name and leaves the project unchanged; a
// transcriber may not upload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { serveTeam } from '../../../main/app/team-server.ts';
import { createService } from '../../../main/api/service.ts';
import { Project } from '../../../main/project/project.ts';
import { moveProject } from '../../../main/project/move-project.ts';
import { teamPageProject } from '../../helpers/page-fixture.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';
import { tempDir } from '../../helpers/project.ts';
import { apiCall, signIn } from '../../helpers/team-client.ts';
import { writeSynthPage } from '../../helpers/images.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

let server: Awaited<ReturnType<typeof serveTeam>> | undefined;
let base: string;
let reference: Project;
const uploads: Record<string, Buffer> = {};

before(async () => {
  if (skip) return;
  const src = tempDir();
  await writeSynthPage(2, join(src, 'scan.png'));
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#efe6d2' } })
    .png()
    .toFile(join(src, 'folio-12r.png'));
  for (const name of ['scan.png', 'folio-12r.png']) uploads[name] = readFileSync(join(src, name));
  uploads['page-2019.xml'] = readFileSync(new URL('../../fixtures/xml/page-2019.xml', import.meta.url));
  // The same files imported into a project folder, as the desktop does.
  reference = Project.init(join(tempDir(), 'reference'));
  const folder = tempDir();
  for (const [name, bytes] of Object.entries(uploads)) writeFileSync(join(folder, name), bytes);
  await createService(reference).importFiles({ paths: [folder] });
  // An empty server project: the accounts of the page fixture's project, its document deleted.
  const dir = await teamPageProject();
  const empty = Project.open(dir);
  empty.db.prepare('DELETE FROM documents').run();
  empty.close();
  const url = await database({ locale: 'C.UTF-8' });
  const files = join(tempDir(), 'files');
  await moveProject({ from: dir, to: url, files });
  server = await serveTeam({ database: url, files }, { port: 0, sessionHours: 1 });
  base = `http://127.0.0.1:${server.server.port}`;
});
after(async () => {
  await server?.close();
  reference?.close();
});

const post = (path: string, cookie: string, body?: Buffer) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/octet-stream' },
    body: body && new Uint8Array(body),
  });

/** Documents with their pages' lines (polygons, texts, regions' types), as the app shows them. */
async function contents(call: (method: string, body: object) => Promise<any>) {
  const docs = await call('listDocuments', {});
  const out = [];
  for (const d of docs.sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))) {
    for (const p of await call('listPages', { documentId: d.id })) {
      const page = await call('getPage', { pageId: p.id });
      out.push({
        document: d.name,
        size: [p.width, p.height],
        regions: page.regions.map((r: { type: string }) => r.type),
        lines: page.lines.map((l: { polygon: unknown; text: string | null }) => [l.polygon, l.text]),
      });
    }
  }
  return out;
}

test('an admin’s upload is imported as in a project folder', { skip }, async () => {
  const ada = await signIn(base, 'ada');
  for (const [name, bytes] of Object.entries(uploads))
    assert.equal((await post(`/upload?name=${name}&batch=teambatch1`, ada, bytes)).status, 200, name);
  const done = await post('/upload?batch=teambatch1&done=1', ada);
  const report = await done.json();
  assert.equal(done.status, 200, JSON.stringify(report));
  assert.deepEqual(report.imported.map((d: { file: string }) => d.file).sort(), ['page-2019.xml', 'scan.png']);
  assert.deepEqual(report.failed, []);
  const call = async (method: string, body: object) => (await apiCall(base, method, body, ada)).body;
  const onServer = await contents(call);
  const api = createService(reference);
  const inFolder = await contents((method, body) => (api as any)[method](body));
  assert.deepEqual(onServer, inFolder);
  assert.ok(onServer.some((d) => d.lines.some(([, text]: [unknown, string | null]) => text === 'Anno 1743 the 4th of May')));
  // The texts it brings are the uploading account's import, as its edits are its own.
  const [scanned] = (await call('search', { query: 'Anno 1743' })) as Array<{ lineId: number }>;
  const history = await call('lineHistory', { lineId: scanned.lineId });
  assert.deepEqual(
    history.map((h: { author: string; source: string }) => [h.author, h.source]),
    [['ada', 'import:page-2019.xml']],
  );
  // The page image is served from the shared folder.
  const [doc] = await call('listDocuments', {});
  const [page] = await call('listPages', { documentId: doc.id });
  const image = await fetch(`${base}/images/${page.image}/thumb`, { headers: { cookie: ada } });
  assert.equal(image.status, 200, `${page.image}: ${await image.clone().text()}`);
});

test('a corrupt file is reported by name and changes nothing; a transcriber may not upload', { skip }, async () => {
  const ada = await signIn(base, 'ada');
  const call = async (method: string, body: object) => (await apiCall(base, method, body, ada)).body;
  const before = await call('projectInfo', {});
  const res = await post('/upload?name=broken.png', ada, Buffer.from('\x89PNG\r\n\x1a\nnot really a png'));
  const report = await res.json();
  assert.equal(res.status, 200, JSON.stringify(report));
  assert.deepEqual(report.imported, []);
  assert.equal(report.failed[0].file, 'broken.png');
  assert.match(report.failed[0].reason, /not a readable image/);
  assert.deepEqual(await call('projectInfo', {}), before);
  const tom = await signIn(base, 'tom');
  assert.equal((await post('/upload?name=scan.png', tom, uploads['scan.png'])).status, 403);
});
