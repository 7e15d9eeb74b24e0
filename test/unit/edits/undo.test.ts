// Undo and redo of hand edits through the service: texts, shapes, split, merge, delete,
// drawn lines and reading order go back and forth across saves, and nothing recorded is
// ever lost: transcription rows, earlier shapes and archived lines only grow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insertLines } from '../../../main/import/insert-lines.ts';
import { updateLineGeometry } from '../../../main/layout/line-edits.ts';
import type { Project } from '../../../main/project/project.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { UndoStack } from '../../../main/edits/undo-stack.ts';
import { editPage, rect } from '../../helpers/edit-page.ts';

const count = (project: Project, table: string) => (project.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Records only grow: a test calls check() after every step. */
function neverShrinks(project: Project) {
  const tables = ['transcriptions', 'line_geometry_history', 'deleted_lines'];
  let last = tables.map((t) => count(project, t));
  return () => {
    const now = tables.map((t) => count(project, t));
    now.forEach((n, i) => assert.ok(n >= last[i], `${tables[i]} went from ${last[i]} to ${n} rows`));
    last = now;
  };
}

test('text edits undo and redo across saves; an undone text is withdrawn, not deleted, and search follows', async () => {
  const { project, api, pageId, add } = await editPage();
  const check = neverShrinks(project);
  const a = await add(100);
  await api.saveTranscription({ lineId: a, text: 'Item for candles' });
  await api.saveTranscription({ lineId: a, text: 'Item for bread' });
  check();
  const text = async () => (await api.getPage({ pageId })).lines.find((l) => l.id === a)!.text;
  assert.deepEqual(await api.undoState({}), { undo: 'text of line 1', redo: null });
  const undone = await api.undo({});
  assert.deepEqual(undone.applied, { label: 'text of line 1', pageId, lineId: a });
  assert.equal(await text(), 'Item for candles');
  assert.equal((await api.search({ query: 'bread' })).length, 0);
  assert.equal((await api.search({ query: 'candles' })).length, 1);
  await api.undo({});
  assert.equal(await text(), null, 'unlabeled again, as before the first save');
  assert.equal((await api.search({ query: 'candles' })).length, 0);
  check();
  assert.equal(count(project, 'transcriptions'), 2, 'both rows kept');
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM transcriptions WHERE withdrawn_at IS NOT NULL').get() as { n: number }).n, 2);
  await api.redo({});
  await api.redo({});
  assert.equal(await text(), 'Item for bread');
  assert.equal((await api.search({ query: 'bread' })).length, 1);
  assert.deepEqual(await api.undoState({}), { undo: 'text of line 1', redo: null });
  check();
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM undo_log').get() as { n: number }).n, 4, 'each undo and redo is logged');
});

test('a new edit after undo clears the redo; nothing to undo answers null', async () => {
  const { api, add } = await editPage();
  const a = await add(100);
  await api.saveTranscription({ lineId: a, text: 'one' });
  await api.undo({});
  await api.saveTranscription({ lineId: a, text: 'two' });
  assert.equal((await api.undoState({})).redo, null);
  await api.undo({});
  await api.undo({});
  assert.equal((await api.undo({})).applied, null);
});

test('shape edits undo to the earlier shape, which the history keeps', async () => {
  const { project, api, pageId, add } = await editPage();
  const check = neverShrinks(project);
  const a = await add(100);
  const moved = rect(120, 90, 600, 60);
  await api.updateLineGeometry({
    lineId: a,
    polygon: moved,
    baseline: [
      [120, 140],
      [720, 140],
    ],
  });
  const shape = async () => (await api.getPage({ pageId })).lines[0];
  await api.undo({});
  assert.deepEqual((await shape()).polygon, rect(100, 100, 600, 40));
  assert.deepEqual((await shape()).box, { x: 100, y: 100, w: 600, h: 40 });
  await api.redo({});
  assert.deepEqual((await shape()).polygon, moved);
  check();
  assert.equal(count(project, 'line_geometry_history'), 3);
});

test('split, merge, delete and drawn lines go back and forth with their texts, keeping line ids', async () => {
  const { project, api, pageId, add, order } = await editPage();
  const check = neverShrinks(project);
  const a = await add(100);
  const b = await add(200);
  const c = await add(300);
  await api.saveTranscription({ lineId: a, text: 'Item paid Thomas' });
  await api.saveTranscription({ lineId: b, text: 'for the mill' });
  const texts = async () => (await api.getPage({ pageId })).lines.map((l) => [l.id, l.text]);
  const start = await texts();

  const {
    lineIds: [, right],
  } = await api.splitLine({ lineId: a, x: 400, texts: ['Item paid', 'Thomas'] });
  const split = await texts();
  await api.undo({});
  assert.deepEqual(await texts(), start);
  assert.deepEqual((await api.getPage({ pageId })).lines[0].polygon, rect(100, 100, 600, 40));
  await api.redo({});
  assert.deepEqual(await texts(), split, 'the right part comes back under its id, with its text');
  await api.undo({});
  check();

  await api.mergeLines({ lineIds: [a, b] });
  assert.deepEqual(await texts(), [
    [a, 'Item paid Thomas for the mill'],
    [c, null],
  ]);
  await api.undo({});
  assert.deepEqual(await texts(), start);
  assert.deepEqual((await api.getPage({ pageId })).lines[1].polygon, rect(100, 200, 600, 40));
  check();

  await api.deleteLine({ lineId: b, confirmed: true });
  await api.undo({});
  assert.deepEqual(await texts(), start);
  await api.redo({});
  assert.deepEqual(await order(), [a, c]);
  await api.undo({});
  check();

  const drawn = (await api.addLine({ pageId, polygon: rect(100, 20, 600, 40), baseline: null })).lineId;
  assert.deepEqual(await order(), [drawn, a, b, c]);
  await api.undo({});
  assert.deepEqual(await order(), [a, b, c]);
  await api.redo({});
  assert.deepEqual(await order(), [drawn, a, b, c]);

  await api.moveLine({ lineId: c, order: 0 });
  await api.undo({});
  assert.deepEqual(await order(), [drawn, a, b, c]);
  check();
  assert.ok(right > c);
});

test('a deleted line keeps its model reading through undo', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  project.db.prepare("INSERT INTO models (id, name, kind, config, weights_hash) VALUES (1, 'm', 'finetune', '{}', 'h')").run();
  project.db
    .prepare("INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (?, 1, 'Item', 0.9, '[0.9]')")
    .run(a);
  await api.deleteLine({ lineId: a, confirmed: false });
  await api.undo({});
  assert.equal((await api.getPage({ pageId })).lines[0].prediction?.text, 'Item');
});

test('a line whose id was handed out again comes back under a new id, and redo follows it', async () => {
  const { project, api, pageId, add, order } = await editPage();
  const a = await add(100);
  const b = await add(200);
  await api.saveTranscription({ lineId: b, text: 'last line' });
  await api.deleteLine({ lineId: b, confirmed: true });
  // Something outside the history (an import, another program) adds a line: SQLite gives it b's id.
  const [other] = insertLines(
    project.db,
    pageId,
    [{ polygon: rect(100, 500, 600, 40), baseline: null, text: null, split: 'train' }],
    'human',
  );
  assert.equal(other, b);
  await api.undo({});
  const back = (await order()).find((id) => id !== a && id !== other)!;
  assert.ok(back > other);
  assert.equal((await api.getPage({ pageId })).lines.find((l) => l.id === back)?.text, 'last line');
  await api.redo({});
  assert.deepEqual((await order()).sort(), [a, other].sort(), 'redo deleted the restored line, not the other one');
});

test('an edit made outside the history is never overwritten: that step is refused and dropped', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  await api.updateLineGeometry({ lineId: a, polygon: rect(100, 90, 600, 60), baseline: null });
  updateLineGeometry(project, a, rect(100, 80, 600, 80), null);
  await assert.rejects(api.undo({}), /cannot undo “shape of line 1”: a line it touched \(id \d+\) on page \d+ has changed since/);
  assert.deepEqual((await api.getPage({ pageId })).lines[0].polygon, rect(100, 80, 600, 80));
  assert.equal((await api.undoState({})).undo, 'drawn line');
});

test('edits emit history-changed with the labels of the next undo and redo', async () => {
  const { project, add } = await editPage();
  const events: unknown[] = [];
  const { createService } = await import('../../../main/api/service.ts');
  const api = createService(project, (e) => events.push(e));
  const a = await add(100);
  await api.saveTranscription({ lineId: a, text: 'x' });
  await api.undo({});
  const history = events.filter((e) => (e as { type: string }).type === 'history-changed');
  assert.deepEqual(history.at(-2), { type: 'history-changed', undo: 'text of line 1', redo: null });
  assert.deepEqual(history.at(-1), { type: 'history-changed', undo: null, redo: 'text of line 1' });
});

test('a change of split is a step of its own: it undoes, and the edits before it still undo', async () => {
  const { project, api, pageId, add } = await editPage();
  const a = await add(100);
  const split = () => (project.db.prepare('SELECT split FROM lines WHERE id = ?').get(a) as { split: string }).split;
  const was = split();
  const other = was === 'test' ? 'validation' : 'test';
  await api.updateLineGeometry({ lineId: a, polygon: rect(100, 90, 600, 60), baseline: null });
  assert.deepEqual(await api.setSplit({ lineIds: [a], split: other }), { changed: 1 });
  assert.equal((await api.undoState({})).undo, 'data split of line 1');
  await api.undo({});
  assert.equal(split(), was);
  await api.undo({});
  assert.deepEqual((await api.getPage({ pageId })).lines[0].polygon, rect(100, 100, 600, 40));
  await api.redo({});
  await api.redo({});
  assert.equal(split(), other);
});

test('an edit that fails after changing a page drops that page’s history; one that fails before changing anything keeps it', async () => {
  const { project, pageId, add } = await editPage();
  const history = new UndoStack();
  const a = await add(100);
  await history.record(
    desktopRunner(() => project.db),
    'shape of line 1',
    [pageId],
    () => updateLineGeometry(project, a, rect(100, 90, 600, 60), null),
  );
  await assert.rejects(
    history.record(
      desktopRunner(() => project.db),
      'refused',
      [pageId],
      () => {
        throw new Error('no line 99');
      },
    ),
    /no line 99/,
  );
  assert.equal(history.state().undo, 'shape of line 1');
  await assert.rejects(
    history.record(
      desktopRunner(() => project.db),
      'finding lines',
      [pageId],
      async () => {
        insertLines(project.db, pageId, [{ polygon: rect(100, 300, 600, 40), baseline: null, text: null, split: 'train' }], 'segmentation');
        throw new Error('the segmenter failed on the next page');
      },
    ),
    /next page/,
  );
  assert.deepEqual(history.state(), { undo: null, redo: null });
});

test('edits and undo run one at a time: an undo asked for while lines are being found undoes the finding', async () => {
  const { api, pageId, add, order } = await editPage();
  const a = await add(100);
  const finding = api.segmentPages({ pageIds: [pageId], segmenter: 'classical' });
  const undone = api.undo({});
  await finding;
  assert.equal((await undone).applied?.label, 'finding lines');
  assert.deepEqual(await order(), [a]);
  assert.deepEqual(await api.undoState({}), { undo: 'drawn line', redo: 'finding lines' });
});
