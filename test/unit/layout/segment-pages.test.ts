// Segmenting project pages: lines are stored with polygons, baselines and reading order;
// running it again never removes a line someone transcribed; shape edits keep history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { segmentPages, segmentRegion } from '../../../main/layout/segment-pages.ts';
import { folderStore } from '../../../main/project/project-store.ts';
import { polygonOverlap } from '../../../main/layout/line-metrics.ts';
import { resolveSegmenter } from '../../../main/layout/segmenters.ts';
import { shapeProblems } from '../../../shared/line-shape.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { writeLineFolder } from '../../helpers/line-project.ts';

async function projectWithPage() {
  const file = join(tempDir(), 'scan.png');
  const page = await writeSynthPage(4, file);
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [doc] = await api.listDocuments({});
  const [p] = await api.listPages({ documentId: doc.id });
  return { project, api, pageId: p.id, truth: page.lines.length };
}

for (const segmenter of ['bundled', 'classical'] as const) {
  test(`segmentation (${segmenter}) stores lines in reading order, and re-running keeps transcribed lines`, async () => {
    const { project, api, pageId, truth } = await projectWithPage();
    const first = await api.segmentPages({ pageIds: [pageId], segmenter });
    assert.equal(first.pages, 1);
    assert.equal(first.segmenter, segmenter);
    assert.equal(first.fallback, undefined);
    assert.ok(Math.abs(first.added - truth) <= 1, `${first.added} lines for ${truth}`);
    const view = await api.getPage({ pageId });
    const tops = view.lines.map((l) => l.box.y);
    assert.deepEqual(
      tops,
      [...tops].sort((a, b) => a - b),
      'reading order is top to bottom',
    );
    assert.ok(view.lines.every((l) => l.baseline && l.polygon.length >= 4));
    // The model finds the text block as a region; the classical segmenter finds none.
    assert.equal(view.regions.length, segmenter === 'bundled' ? 1 : 0);
    assert.ok(view.lines.every((l) => l.regionId === (view.regions[0]?.id ?? null)));

    const labeled = view.lines[2];
    await api.saveTranscription({ lineId: labeled.id, text: 'kept forever' });
    const again = await segmentPages(project, [pageId], { segmenter: await resolveSegmenter(segmenter) });
    assert.equal(again.keptLabeled, 1);
    assert.equal(again.removed, view.lines.length - 1);
    const after = await api.getPage({ pageId });
    assert.equal(after.lines.length, view.lines.length, 'the new segmentation does not duplicate the kept line');
    const kept = after.lines.find((l) => l.id === labeled.id);
    assert.equal(kept?.text, 'kept forever');
    assert.equal(kept?.order, 2);
    assert.equal((await api.search({ query: 'forever' })).length, 1);
    project.close();
  });
}

test('pages that are missing or line images are refused before any page is written', async () => {
  const { project, api, pageId } = await projectWithPage();
  await api.segmentPages({ pageIds: [pageId], segmenter: 'classical' });
  const before = await api.getPage({ pageId });
  await assert.rejects(api.segmentPages({ pageIds: [pageId, 99999], segmenter: 'classical' }), /no page 99999 in this project/);
  await api.importLineFolder({ folder: await writeLineFolder(2, 1) });
  const lineDoc = (await api.listDocuments({})).find((d) => d.kind === 'lines')!;
  const [linePage] = await api.listPages({ documentId: lineDoc.id });
  const lineBefore = await api.getPage({ pageId: linePage.id });
  await assert.rejects(api.segmentPages({ pageIds: [pageId, linePage.id], segmenter: 'classical' }), /is a line image, not a scanned page/);
  assert.deepEqual(await api.getPage({ pageId }), before, 'the good page was not rewritten');
  assert.deepEqual(await api.getPage({ pageId: linePage.id }), lineBefore, 'the line image keeps its line');
  project.close();
});

test('a found line that is a piece of a transcribed line is dropped, a line beside it is added', async () => {
  const { project, api, pageId } = await projectWithPage();
  await api.segmentPages({ pageIds: [pageId] });
  const before = (await api.getPage({ pageId })).lines;
  const labeled = before[1];
  await api.saveTranscription({ lineId: labeled.id, text: 'the whole line' });
  const { x, y, w, h } = labeled.box;
  const rect = (x0: number, y0: number, x1: number, y1: number): Array<[number, number]> => [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
  const base = (x0: number, x1: number, yb: number): Array<[number, number]> => [
    [x0, yb],
    [x1, yb],
  ];
  // A segmenter (as a model trained on other conventions might) that finds the transcribed
  // line in three pieces, one word of it, and a new note in the margin beside it.
  const third = w / 3;
  const pieces = [0, 1, 2].map((i) => ({
    polygon: rect(x + i * third, y, x + (i + 1) * third, y + h),
    baseline: base(x + i * third, x + (i + 1) * third, y + 0.8 * h),
    region: null,
  }));
  const word = { polygon: rect(x + 5, y + 2, x + 45, y + h - 2), baseline: base(x + 5, x + 45, y + 0.8 * h), region: null };
  const note = { polygon: rect(x + w + 20, y, x + w + 120, y + h), baseline: base(x + w + 20, x + w + 120, y + 0.8 * h), region: null };
  for (const piece of [...pieces, word]) {
    const { iou } = polygonOverlap(piece.polygon, labeled.polygon);
    assert.ok(iou < 0.35, `a piece's IoU with the whole is small (${iou.toFixed(2)}): IoU alone would keep it`);
  }
  const report = await segmentPages(project, [pageId], {
    segmenter: { name: 'pieces', segment: async () => ({ lines: [...pieces, word, note], regions: [], ordered: false }) },
  });
  assert.equal(report.keptLabeled, 1);
  assert.equal(report.added, 1, 'only the note is new');
  const after = (await api.getPage({ pageId })).lines;
  assert.equal(after.length, 2);
  assert.equal(after.find((l) => l.id === labeled.id)?.text, 'the whole line');
  assert.deepEqual(after.find((l) => l.id !== labeled.id)?.polygon, note.polygon);
  project.close();
});

test('finding lines in a region drops a found line that repeats a line of the page outside the region', async () => {
  const { project, api, pageId } = await projectWithPage();
  const rect = (x0: number, y0: number, x1: number, y1: number): Array<[number, number]> => [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
  const left = (await api.addRegion({ pageId, polygon: rect(0, 0, 400, 300), type: 'paragraph' })).regionId;
  const right = (await api.addRegion({ pageId, polygon: rect(400, 0, 800, 300), type: 'paragraph' })).regionId;
  const draw = async (polygon: Array<[number, number]>) => (await api.addLine({ pageId, polygon, baseline: null })).lineId;
  // A transcribed line of the right region reaching into the left one, a line in no region
  // just under the left one, and an untranscribed line of the left region.
  const straddling = await draw(rect(320, 100, 560, 130));
  await api.saveTranscription({ lineId: straddling, text: 'across the edge' });
  const unassigned = await draw(rect(250, 290, 390, 330));
  const old = await draw(rect(20, 200, 200, 230));
  const before = (await api.getPage({ pageId })).lines;
  assert.deepEqual(
    [straddling, unassigned, old].map((id) => before.find((l) => l.id === id)?.regionId),
    [right, null, left],
  );
  // The segmenter finds both again (their centres now in the left region) and one new line.
  const found = (polygon: Array<[number, number]>) => ({ polygon, baseline: [polygon[3], polygon[2]], region: null });
  const fresh = found(rect(20, 50, 200, 80));
  const report = await segmentRegion(folderStore(project), left, {
    segmenter: {
      name: 'again',
      segment: async () => ({
        lines: [found(rect(260, 100, 520, 130)), found(rect(250, 280, 390, 318)), fresh],
        regions: [],
        ordered: false,
      }),
    },
  });
  assert.equal(report.added, 1, 'only the new line is added');
  assert.equal(report.removed, 1);
  const after = (await api.getPage({ pageId })).lines;
  assert.equal(after.length, 3);
  const kept = after.find((l) => l.id === straddling);
  assert.deepEqual(
    [kept?.text, kept?.regionId, kept?.polygon],
    ['across the edge', right, rect(320, 100, 560, 130)],
    'the transcribed line stays',
  );
  assert.equal(after.find((l) => l.id === unassigned)?.regionId, null);
  assert.deepEqual(after.find((l) => ![straddling, unassigned].includes(l.id))?.polygon, fresh.polygon);
  project.close();
});

test('a found baseline whose ends pass its polygon is stored inside it, so that a hand edit has nothing to pull in', async () => {
  const { project, api, pageId } = await projectWithPage();
  const polygon: Array<[number, number]> = [
    [100, 100],
    [500, 100],
    [500, 150],
    [100, 150],
  ];
  const baseline: Array<[number, number]> = [
    [92, 140],
    [300, 141],
    [508, 140],
  ];
  await segmentPages(project, [pageId], {
    segmenter: {
      name: 'wide baseline',
      segment: async () => ({ lines: [{ polygon, baseline, region: null }], regions: [], ordered: false }),
    },
  });
  const [line] = (await api.getPage({ pageId })).lines;
  assert.deepEqual(line.polygon, polygon);
  assert.deepEqual(line.baseline, [
    [100, 140],
    [300, 141],
    [500, 140],
  ]);
  assert.deepEqual(shapeProblems({ polygon: line.polygon, baseline: line.baseline }), []);
  project.close();
});

test('editing a line shape keeps the old one in the history and refuses points off the page', async () => {
  const { project, api, pageId } = await projectWithPage();
  await api.segmentPages({ pageIds: [pageId] });
  const [line] = (await api.getPage({ pageId })).lines;
  const polygon: Array<[number, number]> = [
    [10, 10],
    [300, 12],
    [300, 60],
    [10, 58],
  ];
  await api.updateLineGeometry({
    lineId: line.id,
    polygon,
    baseline: [
      [10, 50],
      [300, 50],
    ],
  });
  const edited = (await api.getPage({ pageId })).lines.find((l) => l.id === line.id)!;
  assert.deepEqual(edited.polygon, polygon);
  assert.deepEqual(edited.box, { x: 10, y: 10, w: 290, h: 50 });
  const history = project.db.prepare('SELECT polygon FROM line_geometry_history WHERE line_id = ?').all(line.id) as Array<{
    polygon: string;
  }>;
  assert.deepEqual(
    history.map((h) => JSON.parse(h.polygon)),
    [line.polygon],
  );
  await assert.rejects(
    api.updateLineGeometry({
      lineId: line.id,
      polygon: [
        [0, 0],
        [99999, 0],
        [0, 5],
      ],
      baseline: null,
    }),
    /outside the page/,
  );
  project.close();
});
