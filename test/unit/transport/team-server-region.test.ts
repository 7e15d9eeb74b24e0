// Finding lines in one region on a team server's PostgreSQL store (skipped where PostgreSQL is
// not installed): it runs in the server process, from the page in the shared folder, and
// writes what the same call writes in the project folder: the region's untranscribed lines
// replaced, its transcribed line and the rest of the page kept; it is the account's step to
// undo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addUser } from '../../../main/accounts/accounts.ts';
import { createService } from '../../../main/api/service.ts';
import { serveTeam } from '../../../main/app/team-server.ts';
import { Project } from '../../../main/project/project.ts';
import { moveProject } from '../../../main/project/move-project.ts';
import type { Point } from '../../../main/io/layout.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { apiCall, signIn } from '../../helpers/team-client.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

let server: Awaited<ReturnType<typeof serveTeam>> | undefined;
let folder: Project;
let pageId: number;
let top: number;
let kept: number;
let linesBefore: Array<{ id: number; polygon: Point[] }>;

before(async () => {
  if (skip) return;
  const file = join(tempDir(), 'scan.png');
  await writeSynthPage(4, file);
  folder = newProject();
  const api = createService(folder);
  await api.importFiles({ paths: [file] });
  const [p] = await api.listPages({ documentId: (await api.listDocuments({}))[0].id });
  pageId = p.id;
  await api.segmentPages({ pageIds: [p.id], segmenter: 'classical' });
  const lines = (await api.getPage({ pageId })).lines;
  const middle = lines[Math.floor(lines.length / 2)].box.y;
  top = (await api.addRegion({ pageId, polygon: rect(0, 0, p.width, middle), type: 'paragraph' })).regionId;
  const inTop = (await api.getPage({ pageId })).lines.filter((l) => l.regionId === top);
  kept = inTop[1].id;
  await api.saveTranscription({ lineId: kept, text: 'kept' });
  // Lines that do not fit the ink, so finding them again changes something.
  for (const l of inTop.filter((l) => l.id !== kept))
    await api.updateLineGeometry({ lineId: l.id, polygon: rect(l.box.x, l.box.y, l.box.x + 50, l.box.y + 10), baseline: null });
  linesBefore = (await api.getPage({ pageId })).lines.map((l) => ({ id: l.id, polygon: l.polygon }));
  await addUser(folder.db, 'ada', 'admin', 'ada-password');
  await addUser(folder.db, 'tom', 'transcriber', 'tom-password');
  const url = await database({ locale: 'C.UTF-8' });
  const files = join(tempDir(), 'files');
  await moveProject({ from: folder.root, to: url, files });
  server = await serveTeam({ database: url, files }, { port: 0, sessionHours: 1 });
});
after(async () => {
  await server?.close();
  folder?.close();
});

const shape = (lines: Array<{ id: number; polygon: Point[]; text: string | null; regionId: number | null }>) =>
  lines.map((l) => [l.polygon, l.text, l.regionId]);

test('a region’s lines found on the server are the folder’s, and the account undoes them', { skip }, async () => {
  const base = `http://127.0.0.1:${server!.server.port}`;
  const tom = await signIn(base, 'tom');
  const found = await apiCall(base, 'segmentRegion', { regionId: top, segmenter: 'classical' }, tom);
  assert.equal(found.status, 200, JSON.stringify(found.body));
  const want = await createService(folder).segmentRegion({ regionId: top, segmenter: 'classical' });
  assert.deepEqual(found.body, want, 'the same report');
  assert.equal(found.body.keptLabeled, 1);
  assert.ok(found.body.added > 0 && found.body.removed > 0);
  const onServer = (await apiCall(base, 'getPage', { pageId }, tom)).body;
  const inFolder = await createService(folder).getPage({ pageId });
  assert.deepEqual(shape(onServer.lines), shape(inFolder.lines), 'the same lines, in the same order');
  assert.ok(onServer.lines.some((l: { id: number; text: string }) => l.id === kept && l.text === 'kept'));

  assert.deepEqual((await apiCall(base, 'undoState', {}, tom)).body, { undo: 'finding lines in a region', redo: null });
  assert.equal((await apiCall(base, 'undo', {}, tom)).status, 200);
  const undone = (await apiCall(base, 'getPage', { pageId }, tom)).body.lines;
  assert.deepEqual(
    undone.map((l: { id: number; polygon: Point[] }) => ({ id: l.id, polygon: l.polygon })),
    linesBefore,
    'the page as it was',
  );
});
