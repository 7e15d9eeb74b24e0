// `quire serve --database URL --files DIR`: a team server on a real PostgreSQL server store
// (skipped where it is not installed). A project moved there by `quire migrate` is served
// behind the same gate (log-in, sessions in the store, log-out); its pages, saving a
// transcription under the signed-in account's name, a line's history and search answer from
// PostgreSQL as from the folder; two accounts edit lines and regions, each undoing its own
// edits only, its windows alone told of its history; a method not yet ported answers an
// error naming it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { addUser } from '../../../main/accounts/accounts.ts';
import { NoAdminError, serveTeam } from '../../../main/app/team-server.ts';
import { openServerStore } from '../../../main/db/pg/store.ts';
import { insertJob } from '../../../main/db/jobs.ts';
import { upsertPrediction } from '../../../main/db/predictions.ts';
import { moveProject } from '../../../main/project/move-project.ts';
import { editPage } from '../../helpers/edit-page.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { saveTinyVersion } from '../../helpers/tiny-model.ts';
import { apiCall, signIn } from '../../helpers/team-client.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

let app: Awaited<ReturnType<typeof serveTeam>> | undefined;
let base: string;
let files: string;
let pageId: number;
let lineId: number;
let otherId: number;
let url: string;

before(async () => {
  if (skip) return;
  const page = await editPage();
  pageId = page.pageId;
  lineId = await page.add(100);
  otherId = await page.add(200);
  await page.api.saveTranscription({ lineId, text: 'Baptême de Marie' });
  await addUser(page.project.db, 'ada', 'admin', 'ada-password');
  await addUser(page.project.db, 'tom', 'transcriber', 'tom-password');
  await addUser(page.project.db, 'rev', 'reviewer', 'rev-password');
  // A model version and its reading of the first line, moved to the server with the rest.
  const tiny = await saveTinyVersion(page.project);
  upsertPrediction(page.project.db, lineId, tiny.id, { text: 'Bapteme de Marie', confidence: 0.75, charConfidence: '[0.75]' });
  upsertPrediction(page.project.db, otherId, tiny.id, { text: 'Item for candels', confidence: 0.6, charConfidence: '[0.9,0.5]' });
  insertJob(page.project.db, 'transcribe', 'done', JSON.stringify({ modelId: tiny.id }), JSON.stringify({ done: 2, total: 2 }));
  page.project.close();
  url = await database({ locale: 'C.UTF-8' });
  files = join(tempDir(), 'files');
  await moveProject({ from: page.project.root, to: url, files });
  app = await serveTeam({ database: url, files }, { port: 0, sessionHours: 1 });
  base = `http://127.0.0.1:${app.server.port}`;
});
after(() => app?.close());

const session = (name: string) => signIn(base, name);
const call = (method: string, body: unknown, cookie?: string) => apiCall(base, method, body, cookie);

test('the gate: no session, no data; a wrong password is refused; log-out ends the session', { skip }, async () => {
  assert.equal((await call('projectInfo', {})).status, 401);
  const wrong = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tom', password: 'not-his' }),
  });
  assert.equal(wrong.status, 401);
  const cookie = await session('tom');
  assert.deepEqual(await (await fetch(`${base}/auth/session`, { headers: { cookie } })).json(), { name: 'tom', role: 'transcriber' });
  assert.equal((await fetch(`${base}/auth/logout`, { method: 'POST', headers: { cookie } })).status, 200);
  assert.equal((await call('projectInfo', {}, cookie)).status, 401, 'the session is gone from the store');
});

test('pages, saving a line under the account’s name, its history and search answer from PostgreSQL', { skip }, async () => {
  const cookie = await session('tom');
  const info = await call('projectInfo', {}, cookie);
  assert.equal(info.status, 200);
  assert.deepEqual([info.body.documents, info.body.pages, info.body.lines, info.body.labeled], [1, 1, 2, 1]);
  assert.match(info.body.path, /^postgres:\/\//);
  const [doc] = (await call('listDocuments', {}, cookie)).body;
  assert.equal((await call('listPages', { documentId: doc.id }, cookie)).body[0].id, pageId);
  const page = (await call('getPage', { pageId }, cookie)).body;
  assert.deepEqual(
    page.lines.map((l: { id: number; text: string | null }) => l.text),
    ['Baptême de Marie', null],
  );
  // The page's image and a line's crop, from the shared folder (as `quire migrate --files` filled it).
  const image = await fetch(`${base}/images/${page.page.image}/page`, { headers: { cookie } });
  assert.deepEqual([image.status, image.headers.get('content-type')], [200, 'image/png']);
  const crop = await fetch(`${base}/line-image/${lineId}?crop=${page.lines[0].cropKey}`, { headers: { cookie } });
  assert.deepEqual([crop.status, crop.headers.get('content-type')], [200, 'image/png']);
  assert.ok((await crop.arrayBuffer()).byteLength > 100);
  assert.equal((await fetch(`${base}/line-image/${lineId}?crop=0000000000000000`, { headers: { cookie } })).status, 404, 'a stale crop');
  assert.equal((await fetch(`${base}/line-image/${lineId}`)).status, 401, 'images need a session too');
  const saved = await call('saveTranscription', { lineId, text: 'Baptême de Marie-Anne', author: 'someone else' }, cookie);
  assert.equal(saved.status, 200);
  assert.equal(saved.body.author, 'tom', 'the signed-in account is the author, whatever the request says');
  const history = (await call('lineHistory', { lineId }, cookie)).body;
  assert.deepEqual(
    history.map((t: { text: string; author: string }) => [t.text, t.author]),
    [
      ['Baptême de Marie-Anne', 'tom'],
      ['Baptême de Marie', 'me'],
    ],
  );
  const hits = (await call('search', { query: 'bapteme mar' }, cookie)).body;
  assert.deepEqual(
    hits.map((h: { lineId: number; text: string; marks: Array<[number, number]> }) => [
      h.lineId,
      h.marks.map(([a, b]) => h.text.slice(a, b)),
    ]),
    [[lineId, ['Baptême', 'Marie']]],
    'the new text is found, accents folded',
  );
  assert.equal((await call('getPage', { pageId: 999 }, cookie)).body.message, 'no page 999');
});

/** The history-changed events an account's window hears, as they come. */
function historyEvents(cookie: string): Promise<{ labels: Array<string | null>; close(): void }> {
  return new Promise((ok, fail) => {
    const labels: Array<string | null> = [];
    const ws = new WebSocket(`ws://127.0.0.1:${app!.server.port}/events`, { headers: { cookie } });
    ws.on('message', (m) => {
      const e = JSON.parse(String(m));
      if (e.type === 'history-changed') labels.push(e.undo);
    });
    ws.on('open', () => ok({ labels, close: () => ws.close() }));
    ws.on('error', fail);
  });
}

const box = (x: number, y: number, w: number, h: number) => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

test(
  'two accounts edit lines and regions; each undoes its own edits only, and only its windows hear of its history',
  { skip },
  async () => {
    const tom = await session('tom');
    const rev = await session('rev');
    const tomHears = await historyEvents(tom);
    const revHears = await historyEvents(rev);
    const line = async (id: number) => (await call('getPage', { pageId }, tom)).body.lines.find((l: { id: number }) => l.id === id);
    // Region edits are steps of rev's history (they used to drop the page's history for everyone, so they came first).
    const region = await call('addRegion', { pageId, polygon: box(50, 50, 900, 250), type: 'paragraph' }, rev);
    assert.equal((await call('updateRegion', { regionId: region.body.regionId, type: 'marginalia', excluded: true }, rev)).status, 200);
    assert.deepEqual((await call('undoState', {}, rev)).body, { undo: 'type and exclusion of region 1', redo: null });
    const reshaped = box(100, 190, 600, 60);
    assert.equal((await call('updateLineGeometry', { lineId: otherId, polygon: reshaped, baseline: null }, rev)).status, 200);
    const saved = await call('saveTranscription', { lineId: otherId, text: 'Item for candles' }, tom);
    assert.equal(saved.body.author, 'tom');
    const drawn = await call('addLine', { pageId, polygon: box(100, 400, 600, 40), baseline: null }, tom);
    assert.equal(drawn.status, 200);
    assert.deepEqual(
      (await call('getPage', { pageId }, tom)).body.regions.map((r: { type: string; excluded: boolean }) => [r.type, r.excluded]),
      [['marginalia', true]],
    );
    assert.deepEqual((await call('undoState', {}, tom)).body, { undo: 'drawn line', redo: null });
    assert.deepEqual((await call('undoState', {}, rev)).body, { undo: 'shape of line 2', redo: null });

    const undone = await call('undo', {}, tom);
    assert.deepEqual([undone.status, undone.body.applied.label], [200, 'drawn line']);
    assert.equal(await line(drawn.body.lineId), undefined, 'the drawn line is gone (to the archive)');
    assert.equal((await call('undo', {}, tom)).body.applied.label, 'text of line 2');
    assert.equal((await line(otherId)).text, null, "tom's text is undone");
    assert.deepEqual((await line(otherId)).polygon, reshaped, "rev's shape stays");
    // Tom's text of the first test is next: rev's region has taken its line in since, so it is
    // refused and dropped (region edits used to drop every account's history of their page).
    assert.match((await call('undo', {}, tom)).body.message, /^cannot undo “text of line 1”: a line it touched .* has changed since/);
    assert.equal((await call('undo', {}, tom)).body.applied, null, 'tom has nothing more to undo: the shape is not his');
    assert.equal((await call('undo', {}, rev)).body.applied.label, 'shape of line 2');
    assert.deepEqual((await line(otherId)).box, { x: 100, y: 200, w: 600, h: 40 }, 'rev undid his own shape');
    // Tom's text was saved over rev's shape, which is gone now: his step no longer fits the line.
    const redo = await call('redo', {}, tom);
    assert.match(redo.body.message, /^cannot redo “text of line 2”: a line it touched .* has changed since/);
    assert.equal((await line(otherId)).text, null);
    assert.deepEqual(
      (await call('lineHistory', { lineId: otherId }, tom)).body.map((t: { text: string; author: string }) => [t.text, t.author]),
      [['Item for candles', 'tom']],
      'the row was withdrawn and brought back, never deleted',
    );

    // Each window hears its own account's history, never the other's.
    await new Promise((r) => setTimeout(r, 100));
    tomHears.close();
    revHears.close();
    assert.ok(!tomHears.labels.includes('shape of line 2'), `tom heard ${JSON.stringify(tomHears.labels)}`);
    assert.ok(!revHears.labels.some((l) => l === 'drawn line' || l === 'text of line 2'), `rev heard ${JSON.stringify(revHears.labels)}`);
    assert.ok(tomHears.labels.includes('drawn line') && revHears.labels.includes('shape of line 2'));
  },
);

test(
  'model versions on the server store: listed with their readings, renamed, made current, the base model added and a version deleted, weights in the shared folder',
  { skip },
  async () => {
    const ada = await session('ada');
    const rev = await session('rev');
    const tom = await session('tom');
    const weights = () => readdirSync(join(files, 'models')).sort();
    const [tiny] = (await call('listModels', {}, tom)).body;
    assert.deepEqual([tiny.name, tiny.readings, tiny.base, tiny.usedBy], ['tiny', 2, false, []]);
    const line = (await call('getPage', { pageId }, tom)).body.lines.find((l: { id: number }) => l.id === lineId);
    assert.deepEqual([line.prediction.modelId, line.prediction.text, line.prediction.confidence], [tiny.id, 'Bapteme de Marie', 0.75]);
    assert.deepEqual((await call('projectSettings', {}, tom)).body, { currentModelId: null, trainingChoices: null });
    // (The region drawn above is excluded; its lines come back to transcription.)
    const [region] = (await call('getPage', { pageId }, tom)).body.regions;
    assert.deepEqual((await call('listReadings', { modelId: tiny.id }, tom)).body, []);
    assert.equal((await call('updateRegion', { regionId: region.id, excluded: false }, rev)).status, 200);
    assert.deepEqual(
      (await call('listReadings', { modelId: tiny.id, pageIds: [pageId] }, tom)).body.map((r: { lineId: number; text: string }) => [
        r.lineId,
        r.text,
      ]),
      [
        [lineId, 'Bapteme de Marie'],
        [otherId, 'Item for candels'],
      ],
      'the model’s readings in reading order, as quire transcribe prints them (none while their region was excluded)',
    );
    // The untranscribed line the model read, to proofread (its least sure character first) or annotate next.
    const review = (await call('reviewLines', { limit: 10 }, tom)).body;
    assert.deepEqual(
      review.map((l: { lineId: number; prediction: string; confidence: number }) => [l.lineId, l.prediction, l.confidence]),
      [[otherId, 'Item for candels', 0.5]],
    );
    assert.deepEqual((await call('suggestLines', { modelId: tiny.id, limit: 10 }, tom)).body, review);
    const [job] = (await call('listJobs', {}, tom)).body;
    assert.deepEqual([job.kind, job.state, job.progress], ['transcribe', 'done', { done: 2, total: 2 }]);

    assert.equal((await call('setCurrentModel', { modelId: tiny.id }, rev)).status, 200);
    assert.equal((await call('renameModel', { modelId: tiny.id, name: ' registers ' }, rev)).status, 200);
    assert.equal((await call('listModelVersions', {}, tom)).body[0].name, 'registers');
    assert.equal((await call('projectSettings', {}, tom)).body.currentModelId, tiny.id);

    const base = (await call('addBaseModel', {}, rev)).body;
    assert.equal(base.base, true);
    assert.ok(weights().includes(`${(await call('listModelVersions', {}, tom)).body[1].weightsHash}.qmodel`), 'its weights written there');
    assert.ok(!weights().some((f) => f.startsWith('incoming-')), 'no half-written file left');
    assert.equal((await call('addBaseModel', {}, rev)).body.id, base.id, 'added once');

    const refused = await call('deleteModel', { modelId: base.id }, ada);
    assert.match(refused.body.message, /is the bundled base model, which cannot be deleted/);
    const tinyFile = `${(await call('listModelVersions', {}, tom)).body[0].weightsHash}.qmodel`;
    assert.ok(weights().includes(tinyFile));
    assert.equal((await call('deleteModel', { modelId: tiny.id }, ada)).status, 200);
    assert.ok(!weights().includes(tinyFile), 'its weights are gone from the shared folder');
    assert.deepEqual(
      (await call('listModels', {}, tom)).body.map((m: { id: number }) => m.id),
      [base.id],
    );
    assert.equal((await call('projectSettings', {}, tom)).body.currentModelId, null, 'it was the current model');
    assert.equal((await call('getPage', { pageId }, tom)).body.lines.find((l: { id: number }) => l.id === lineId).prediction, null);
  },
);

test('a job call without a queue answers an error naming it and saying how to start one; roles still hold', { skip }, async () => {
  const cookie = await session('tom');
  // Transcription, evaluation, finding lines and segmenter fine-tuning need the queue: without --redis they say how to start the server with one.
  for (const [method, body] of [
    ['startTranscription', { modelId: 1 }],
    ['startEvaluation', { modelId: 1 }],
    ['segmentPages', { pageIds: [pageId] }],
    ['startSegmenterTraining', {}],
  ] as const) {
    const answer = await call(method, body, await session('rev'));
    assert.deepEqual([answer.status, answer.body.code, answer.body.name], [501, 'not-available', 'NotOnServerStore'], method);
    assert.match(answer.body.message, new RegExp(`^${method} needs the job queue: start the server with --redis URL`));
  }
  const admin = await session('ada');
  const segmenters = await call('listSegmenters', {}, admin);
  assert.deepEqual(segmenters.body, { correctedPages: 0, segmenters: [] }, 'the project’s fine-tuned segmenters, with or without a queue');
  const forbidden = await call('deleteModel', { modelId: 1 }, cookie);
  assert.deepEqual([forbidden.status, forbidden.body.name], [403, 'Forbidden'], 'a transcriber is refused before anything else');
  assert.equal((await call('projectInfo', {}, cookie)).status, 200, 'the server goes on');
});

test('a server store without an admin is refused before serving', { skip }, async () => {
  const project = newProject();
  const url = await database();
  const store = await openServerStore(url);
  await store.end();
  project.close();
  await assert.rejects(
    serveTeam({ database: url, files: join(tempDir(), 'f') }, { port: 0 }),
    (e: Error) =>
      e instanceof NoAdminError &&
      /has no admin account: create one with `quire user add postgres:\/\/\S+ NAME --role admin`/.test(e.message),
  );
  await assert.rejects(
    serveTeam({ database: url.replace(/quire_test_\w+/, 'no_such_db'), files: 'f' }, { port: 0 }),
    /server store postgres:/,
  );
});

test('failed log-ins are counted in the store: a second server process on it refuses the name too', { skip }, async () => {
  const second = await serveTeam({ database: url, files }, { port: 0, sessionHours: 1, maxFailuresPerUser: 2 });
  try {
    const logIn = (at: string, password: string) =>
      fetch(`${at}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'rev', password }),
      });
    assert.equal((await logIn(base, 'guess-1')).status, 401);
    assert.equal((await logIn(base, 'guess-2')).status, 401);
    const refused = await logIn(`http://127.0.0.1:${second.server.port}`, 'rev-password');
    assert.equal(refused.status, 429, 'the guesses made at the first process count at the second');
    assert.equal(((await refused.json()) as { name: string }).name, 'TooManyAttempts');
    assert.equal((await logIn(base, 'rev-password')).status, 200, 'the first allows 5');
  } finally {
    await second.close();
  }
});

test(
  'documents on the server store: an admin renames, removes and restores one (a transcriber may not); removal names the account',
  { skip },
  async () => {
    const [tom, rev, ada] = [await session('tom'), await session('rev'), await session('ada')];
    const [doc] = (await call('listDocuments', {}, tom)).body;
    const refused = await call('removeDocument', { documentId: doc.id }, tom);
    assert.deepEqual([refused.status, refused.body.name], [403, 'Forbidden']);
    assert.equal((await call('removeDocument', { documentId: doc.id }, ada)).status, 200);
    assert.deepEqual((await call('listDocuments', {}, tom)).body, []);
    assert.equal((await call('projectInfo', {}, tom)).body.labeled, 0, 'its labels are out of the counts');
    assert.deepEqual((await call('search', { query: 'Marie' }, tom)).body, [], 'and out of search');
    const removed = (await call('listRemovedDocuments', {}, rev)).body;
    assert.deepEqual(
      removed.map((d: { id: number; removedBy: string; labeled: number }) => [d.id, d.removedBy, d.labeled]),
      [[doc.id, 'ada', 1]],
    );
    assert.equal((await call('restoreDocument', { documentId: doc.id }, ada)).status, 200);
    assert.equal((await call('renameDocument', { documentId: doc.id, name: 'Parish register' }, ada)).status, 200);
    assert.deepEqual((await call('listDocuments', {}, tom)).body, [{ ...doc, name: 'Parish register' }]);
    assert.equal((await call('search', { query: 'Marie' }, tom)).body.length, 1);
    await call('renameDocument', { documentId: doc.id, name: doc.name }, ada);
  },
);
