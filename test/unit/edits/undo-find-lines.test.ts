// Undo of Find lines when it runs again on a page: the lines it replaces are archived while
// the new ones take fresh ids, so the step goes back and forth like any other, the page's
// regions with it; an edit that reuses a removed line's id is not recorded at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { UndoStack } from '../../../main/edits/undo-stack.ts';
import { insertLines } from '../../../main/import/insert-lines.ts';
import { archiveAndDelete } from '../../../main/layout/line-archive.ts';
import { updateLineGeometry } from '../../../main/layout/line-edits.ts';
import { insertRegions } from '../../../main/layout/regions.ts';
import { segmentPages } from '../../../main/layout/segment-pages.ts';
import type { Segmenter } from '../../../main/layout/segmenters.ts';
import { editPage, pageLayout, rect } from '../../helpers/edit-page.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

test('a second Find lines on a page undoes, redoes and undoes again', async () => {
  const file = join(tempDir(), 'folio.png');
  await writeSynthPage(3, file, { lines: 8 });
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [doc] = await api.listDocuments({});
  const [{ id: pageId }] = await api.listPages({ documentId: doc.id });
  const lines = async () => (await api.getPage({ pageId })).lines.map((l) => [l.id, JSON.stringify(l.polygon)]);
  await api.segmentPages({ pageIds: [pageId], segmenter: 'classical' });
  const found = await lines();
  assert.ok(found.length >= 4, `${found.length} lines found`);
  // A hand edit in between, so that the second run changes the page.
  const [[first]] = found;
  await api.updateLineGeometry({
    lineId: first as number,
    polygon: [
      [10, 10],
      [300, 10],
      [300, 40],
      [10, 40],
    ],
    baseline: null,
  });
  const edited = await lines();
  await api.segmentPages({ pageIds: [pageId], segmenter: 'classical' });
  const second = await lines();
  assert.notDeepEqual(second, edited);
  await api.undo({});
  assert.deepEqual(await lines(), edited);
  await api.redo({});
  assert.deepEqual(await lines(), second);
  await api.undo({});
  assert.deepEqual(await lines(), edited);
  await api.undo({});
  assert.deepEqual(await lines(), found);
  await api.undo({});
  assert.deepEqual(await lines(), []);
});

test('an edit that hands a removed line’s id to a new line is not recorded, and its page’s history is dropped', async () => {
  const { project, pageId, add } = await editPage();
  const history = new UndoStack();
  const a = await add(100);
  await history.record(
    desktopRunner(() => project.db),
    'shape of line 1',
    [pageId],
    () => updateLineGeometry(project, a, rect(100, 90, 600, 60), null),
  );
  await history.record(
    desktopRunner(() => project.db),
    'replacing a line',
    [pageId],
    () => {
      archiveAndDelete(project, a, 'test');
      const [b] = insertLines(
        project.db,
        pageId,
        [{ polygon: rect(100, 300, 600, 40), baseline: null, text: null, split: 'train' }],
        'segmentation',
      );
      assert.equal(b, a);
    },
  );
  assert.deepEqual(history.state(), { undo: null, redo: null });
});

/** A segmenter that finds the same layout on any page: two regions of the given outlines, a line in each. */
const finding = (regions: Array<ReturnType<typeof rect>>): Segmenter => ({
  name: 'test',
  segment: async () => ({
    regions: regions.map((polygon) => ({ type: 'paragraph' as const, polygon })),
    lines: regions.map(([[x, y]], i) => ({
      polygon: rect(x + 50, y + 20, 600, 40),
      baseline: [
        [x + 50, y + 52],
        [x + 650, y + 52],
      ] as Array<[number, number]>,
      region: i,
    })),
    ordered: true,
  }),
});

test('undoing Find lines puts back the regions it replaced, reshaped or added and the lines in each; redo finds them again', async () => {
  const { project, api, pageId, add } = await editPage();
  // A segmenter's text block and notes, the notes excluded by a person, and a heading drawn by hand.
  const [block, notes] = insertRegions(project.db, pageId, [
    { type: 'paragraph', polygon: rect(50, 50, 800, 300), byHand: false },
    { type: 'marginalia', label: 'MarginTextZone', polygon: rect(50, 450, 800, 150), byHand: false },
    { type: 'heading', polygon: rect(50, 5, 800, 40) },
  ]);
  const a = await add(100);
  await add(200);
  await add(500);
  await api.saveTranscription({ lineId: a, text: 'Item paid Thomas' });
  project.db.prepare('UPDATE regions SET reading_order = 2 - reading_order WHERE page_id = ?').run(pageId);
  const before = pageLayout(project.db, pageId);
  assert.equal((before.lines as Array<{ region_id: number | null }>).filter((l) => l.region_id === notes).length, 1);
  const history = new UndoStack();
  const run = desktopRunner(() => project.db);
  // The text block found again a little larger (it keeps its id, takes the new outline); the
  // notes not found (they go, and their line with them); a new region at the foot.
  const segmenter = finding([rect(40, 40, 820, 320), rect(50, 650, 800, 120)]);
  await history.record(run, 'finding lines', [pageId], () => segmentPages(project, [pageId], { segmenter }));
  const after = pageLayout(project.db, pageId);
  const regions = after.regions as Array<{ id: number; type: string }>;
  assert.ok(regions.some((r) => r.id === block) && !regions.some((r) => r.id === notes) && regions.length === 3);
  assert.notDeepEqual(after, before);
  await run(history.undo());
  assert.deepEqual(pageLayout(project.db, pageId), before);
  await run(history.redo());
  assert.deepEqual(pageLayout(project.db, pageId), after);
  await run(history.undo());
  assert.deepEqual(pageLayout(project.db, pageId), before);
  // The transcribed line kept its text throughout.
  assert.equal((await api.getPage({ pageId })).lines.find((l) => l.id === a)?.text, 'Item paid Thomas');
});
