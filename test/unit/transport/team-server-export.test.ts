// Exports from a team server on the PostgreSQL store (skipped where PostgreSQL is not
// installed): the download the Export dialog asks for (POST /export) answers, in every format,
// the same files as the project folder's own export before it was moved to the server, the
// model's readings included where asked; only a signed-in reviewer or admin gets one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { serveTeam } from '../../../main/app/team-server.ts';
import { serveProject } from '../../../main/app/browser-mode.ts';
import { EXPORT_FORMATS } from '../../../shared/export-formats.ts';
import { upsertPrediction } from '../../../main/db/predictions.ts';
import { Project } from '../../../main/project/project.ts';
import { moveProject } from '../../../main/project/move-project.ts';
import { teamPageProject } from '../../helpers/page-fixture.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';
import { tempDir } from '../../helpers/project.ts';
import { signIn } from '../../helpers/team-client.ts';
import { saveTinyVersion } from '../../helpers/tiny-model.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

let folder: Awaited<ReturnType<typeof serveProject>> | undefined;
let server: Awaited<ReturnType<typeof serveTeam>> | undefined;
let modelId: number;

before(async () => {
  if (skip) return;
  const dir = await teamPageProject();
  const project = Project.open(dir);
  // A model version whose readings fill the lines no one has transcribed.
  const tiny = await saveTinyVersion(project);
  modelId = tiny.id;
  const lines = project.db.prepare('SELECT id FROM lines ORDER BY id').all() as Array<{ id: number }>;
  for (const [i, { id }] of lines.entries())
    upsertPrediction(project.db, id, tiny.id, { text: `reading ${i}`, confidence: 0.5 + i / 10, charConfidence: '[0.5]' });
  project.close();
  const url = await database({ locale: 'C.UTF-8' });
  const files = join(tempDir(), 'files');
  await moveProject({ from: dir, to: url, files });
  folder = await serveProject(dir);
  server = await serveTeam({ database: url, files }, { port: 0, sessionHours: 1 });
});
after(async () => {
  await server?.close();
  await folder?.close();
});

const unzip = async (res: Response) => {
  assert.equal(res.status, 200, await res.clone().text());
  return unzipSync(new Uint8Array(await res.arrayBuffer()));
};

// PAGE's <Created>/<LastChange> are the moment of each export, which may fall in different
// seconds for the two downloads; everything else must match byte for byte.
const withoutExportTime = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('latin1')
    .replace(/<Created>[^<]*<\/Created><LastChange>[^<]*<\/LastChange>/, '<Created/><LastChange/>');

const fromFolder = (body: object) =>
  fetch(`http://127.0.0.1:${folder!.server.port}/export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-quire-token': folder!.server.token },
    body: JSON.stringify(body),
  });

const fromServer = (body: object, cookie?: string) =>
  fetch(`http://127.0.0.1:${server!.server.port}/export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

test('every format, with and without the model’s readings, is the project folder’s export', { skip }, async () => {
  const cookie = await signIn(`http://127.0.0.1:${server!.server.port}`, 'ada');
  for (const format of EXPORT_FORMATS)
    for (const model of [{}, { modelId }]) {
      const want = await unzip(await fromFolder({ format, ...model }));
      const got = await unzip(await fromServer({ format, ...model }, cookie));
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${format} ${JSON.stringify(model)}: the same files`);
      assert.ok(Object.keys(got).length > 0);
      for (const name of Object.keys(want))
        assert.equal(withoutExportTime(got[name]), withoutExportTime(want[name]), `${format} ${JSON.stringify(model)}: ${name} the same`);
    }
});

test('the readings reach the XML; no export without a session, nor for a transcriber', { skip }, async () => {
  const cookie = await signIn(`http://127.0.0.1:${server!.server.port}`, 'ada');
  const files = await unzip(await fromServer({ format: 'page', modelId }, cookie));
  const xml = Buffer.from(Object.entries(files).find(([n]) => n.endsWith('.xml'))![1]).toString('utf8');
  assert.match(xml, /reading \d/);
  assert.equal((await fromServer({ format: 'page' })).status, 401);
  const tom = await signIn(`http://127.0.0.1:${server!.server.port}`, 'tom');
  assert.equal((await fromServer({ format: 'page' }, tom)).status, 403);
});
