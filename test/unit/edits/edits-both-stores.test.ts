// The hand edits of lines and regions and their undo, written once as store-neutral programs
// (main/layout/line-edits.ts, regions.ts, line-archive.ts, main/edits/undo-stack.ts): the
// same calls of the edit service on the desktop's SQLite and on a real PostgreSQL answer the
// same and leave the same page (its lines, texts, shapes, regions and order), through
// deletions, merges, splits and undo bringing archived lines back under their ids and deleted
// regions under theirs. On the
// server an edit of several statements is one transaction: one that fails half-way leaves
// nothing. Skipped where PostgreSQL is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editMethods } from '../../../main/api/edit-service.ts';
import { pageOps } from '../../../main/api/pages.ts';
import { archive } from '../../../main/db/archive.ts';
import { documents } from '../../../main/db/documents.ts';
import { desktopRunner, perform } from '../../../main/db/execute.ts';
import { lines } from '../../../main/db/lines.ts';
import { pages } from '../../../main/db/pages.ts';
import { performPg, serverRunner } from '../../../main/db/pg/execute.ts';
import { UndoHistories, UndoStack } from '../../../main/edits/undo-stack.ts';
import { bothStores, sameOnBoth, type BothStores } from '../../helpers/both-stores.ts';
import { rect } from '../../helpers/edit-page.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

type Edits = ReturnType<typeof editMethods>;

/** A 1000×800 page on both stores, and the edit service on each (its own undo history). */
async function pageOnBoth(s: BothStores) {
  const doc = await s.both('document', () =>
    documents.insertDocument({ name: 'Folio', kind: 'scan', sourcePath: '/f.png', sourceHash: 'f' }),
  );
  const pageId = await s.both('page', () =>
    pages.insertPage({ documentId: doc, index: 0, imageHash: 'a'.repeat(64), width: 1000, height: 800, dpi: null }),
  );
  const desktop = editMethods({ run: desktopRunner(() => s.db) }, UndoHistories.single(new UndoStack()), () => {});
  const server = editMethods({ run: serverRunner(s.store) }, UndoHistories.single(new UndoStack()), () => {});
  /** The call on both stores: the same answer, and the same page after it. */
  const edit = async <T>(what: string, call: (api: Edits) => Promise<T>): Promise<T> => {
    const answer = await sameOnBoth(
      what,
      () => call(desktop),
      () => call(server),
    );
    await sameOnBoth(
      `${what}: the page`,
      () => perform(s.db, pageOps.pageView(pageId)),
      () => performPg(s.store, pageOps.pageView(pageId)),
    );
    return answer;
  };
  return { pageId, edit };
}

const baseline = (y: number) =>
  [
    [100, y + 32],
    [700, y + 32],
  ] as Array<[number, number]>;

test('line and region edits and their undo leave the same page on SQLite and PostgreSQL', { skip }, async () => {
  const s = await bothStores(await database());
  try {
    const { pageId, edit } = await pageOnBoth(s);
    const add = (y: number) =>
      edit(`line at ${y}`, async (api) => (await api.addLine({ pageId, polygon: rect(100, y, 600, 40), baseline: baseline(y) })).lineId);
    const a = await add(100);
    const b = await add(300);
    const c = await add(200);
    await edit('text', (api) => api.saveTranscription({ lineId: a, text: 'Item paid Thomas' }));
    await edit('text of c', (api) => api.saveTranscription({ lineId: c, text: 'for the mill' }));
    await edit('reshape', (api) => api.updateLineGeometry({ lineId: c, polygon: rect(120, 190, 560, 50), baseline: null }));
    await edit('reorder', (api) => api.moveLine({ lineId: b, order: 0 }));
    const region = await edit(
      'region',
      async (api) => (await api.addRegion({ pageId, polygon: rect(50, 50, 900, 220), type: 'paragraph' })).regionId,
    );
    await edit('region type', (api) => api.updateRegion({ regionId: region, type: 'marginalia', excluded: true }));
    await edit('region included', (api) => api.updateRegion({ regionId: region, excluded: false }));
    await edit('split', (api) => api.splitLine({ lineId: a, x: 400, texts: ['Item paid', 'Thomas'] }));
    await edit('merge', (api) => api.mergeLines({ lineIds: [c, b] }));
    await assert.rejects(
      edit('a transcribed line, unconfirmed', (api) => api.deleteLine({ lineId: a, confirmed: false })),
      /carries a transcription/,
    );
    await edit('delete', (api) => api.deleteLine({ lineId: a, confirmed: true }));
    await edit('undo the deletion', (api) => api.undo({}));
    await edit('undo the merge', (api) => api.undo({}));
    await edit('redo the merge', (api) => api.redo({}));
    await edit('undo it again', (api) => api.undo({}));
    await edit('undo the split', (api) => api.undo({}));
    await edit('split', (api) => api.setSplit({ lineIds: [a, b], split: 'test' }));
    await edit('undo the split', (api) => api.undo({}));
    await edit('history', (api) => api.undoState({}));
    const second = await edit(
      'second region',
      async (api) => (await api.addRegion({ pageId, polygon: rect(50, 280, 900, 100), type: 'paragraph' })).regionId,
    );
    await edit('region first', (api) => api.moveRegion({ regionId: second, order: 0 }));
    await edit('region lines sorted', (api) => api.sortRegionLines({ regionId: region }));
    await edit('region gone', (api) => api.deleteRegion({ regionId: second }));
    // Region edits are steps too: the deleted region is made again (under its id, free on both
    // stores), its lines rejoin it, and every region edit goes back and forth.
    const steps = async (action: 'undo' | 'redo') => {
      const labels: Array<string | undefined> = [];
      for (let i = 1; i <= 3; i++) labels.push((await edit(`${action} ${i} of the region edits`, (api) => api[action]({}))).applied?.label);
      return labels;
    };
    // (Sorting the region's lines changed nothing: no step.)
    const regionSteps = ['deletion of region 1', 'reading order of region 2', 'drawn region'];
    assert.deepEqual(await steps('undo'), regionSteps);
    assert.deepEqual(await steps('redo'), [...regionSteps].reverse());
    assert.deepEqual(await steps('undo'), regionSteps);
    // And the first region's retyping and exclusion, further down the history.
    assert.deepEqual(await steps('undo'), ['inclusion of region 1', 'type and exclusion of region 1', 'drawn region']);
    await edit('the history', (api) => api.undoState({}));
    // (A line drawn now would differ: SQLite hands the archived split part's id out again, PostgreSQL its sequence's next.)
    await s.both("a's texts", () => pageOps.historyOf(a));
    await s.both('the archive', () => archive.archiveEntriesSince(0));
    await s.both('the shapes kept', () => archive.rowsOfLine('line_geometry_history', c));
  } finally {
    await s.close();
  }
});

test('on PostgreSQL an edit that fails half-way leaves nothing: it is one transaction', { skip }, async () => {
  const s = await bothStores(await database());
  try {
    const { pageId, edit } = await pageOnBoth(s);
    const a = await edit('line', async (api) => (await api.addLine({ pageId, polygon: rect(100, 100, 600, 40), baseline: null })).lineId);
    await edit('line 2', (api) => api.addLine({ pageId, polygon: rect(100, 200, 600, 40), baseline: null }));
    // Deleting archives the line, deletes it, then renumbers the page: the renumbering fails.
    await s.store.query(
      `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'renumbering refused'; END $$`,
    );
    await s.store.query('CREATE TRIGGER refuse BEFORE UPDATE OF reading_order ON lines FOR EACH ROW EXECUTE FUNCTION refuse()');
    const server = editMethods({ run: serverRunner(s.store) }, UndoHistories.single(new UndoStack()), () => {});
    await assert.rejects(server.deleteLine({ lineId: a, confirmed: false }), /renumbering refused/);
    assert.equal(await performPg(s.store, lines.lineExists(a)), true, 'the line is still there');
    assert.deepEqual(await performPg(s.store, archive.archiveEntriesSince(0)), [], 'and not in the archive');
    assert.equal((await server.undoState({})).undo, null, 'nothing recorded');
  } finally {
    await s.close();
  }
});
