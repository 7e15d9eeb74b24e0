// Segmenting project pages: lines are stored with polygons, baselines and reading order;
// running it again never removes a line someone transcribed; shape edits keep history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { segmentPages } from '../../../main/layout/segment-pages.ts';
import { resolveSegmenter } from '../../../main/layout/segmenters.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

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
