// Text regions in a project: a page with marginal notes, segmented by the bundled model,
// keeps the notes as a region of their own from the database to the PAGE and ALTO export;
// re-segmenting keeps transcribed lines and what a person set on regions; an excluded
// region's lines are left out of counts, suggestions, review, training data and reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { readLayout } from '../../../main/io/read-layout.ts';
import { boundingBox, type Point } from '../../../main/io/layout.ts';
import { labeledLines, unlabeledLineIds } from '../../../main/project/dataset.ts';
import { ensureBaseModel } from '../../../main/models/base-model.ts';
import { transcribe } from '../../../main/jobs/transcription.ts';
import { exportProject } from '../../../main/export/export-project.ts';
import { centreOf } from '../../../main/layout/regions.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { schemaErrors } from '../../helpers/xsd.ts';

async function pageWithNotes() {
  const file = join(tempDir(), 'folio-12r.png');
  const truth = await writeSynthPage(4, file, { marginNotes: 4, lines: 16 });
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [doc] = await api.listDocuments({});
  const [page] = await api.listPages({ documentId: doc.id });
  return { project, api, pageId: page.id, documentId: doc.id, truth };
}

const inside = (polygon: Point[], box: { x: number; y: number; w: number; h: number }) => {
  const [x, y] = centreOf(polygon);
  return x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h;
};

test('a page with marginalia yields the marginal notes as their own region, in the database and in PAGE and ALTO export', async () => {
  const { project, api, pageId, documentId, truth } = await pageWithNotes();
  try {
    const report = await api.segmentPages({ pageIds: [pageId] });
    assert.equal(report.segmenter, 'bundled');
    const view = await api.getPage({ pageId });
    const notes = view.regions.filter((r) => r.type === 'marginalia');
    assert.equal(notes.length, 1, `regions: ${view.regions.map((r) => `${r.type} (${r.lines})`).join(', ')}`);
    const noteLines = view.lines.filter((l) => l.regionId === notes[0].id);
    // Each true note is one line of the marginal region, and that region holds nothing else.
    assert.equal(noteLines.length, truth.notes.length);
    for (const note of truth.notes)
      assert.ok(
        noteLines.some((l) => inside(l.polygon, boundingBox(note.polygon))),
        `note "${note.text}" not found`,
      );
    const main = view.regions.find((r) => r.type === 'paragraph')!;
    const mainLines = view.lines.filter((l) => l.regionId === main.id);
    assert.ok(Math.abs(mainLines.length - truth.lines.length) <= 1, `${mainLines.length} main lines for ${truth.lines.length}`);
    assert.ok(mainLines.every((l) => truth.notes.every((n) => !inside(l.polygon, boundingBox(n.polygon)))));
    // Reading order runs region by region.
    const regionOrder = view.lines.map((l) => l.regionId).filter((id, i, all) => id !== all[i - 1]);
    assert.deepEqual(
      regionOrder,
      view.regions.map((r) => r.id),
    );

    const out = tempDir();
    for (const format of ['page', 'alto'] as const) {
      const { files } = await api.exportDocuments({ format, out: join(out, format), documentIds: [documentId] });
      const xml = readFileSync(
        files.find((f) => f.endsWith('.xml'))!,
        'utf8',
      );
      for (const schema of format === 'page' ? (['page2019'] as const) : (['alto42', 'alto44'] as const))
        assert.deepEqual(await schemaErrors(xml, schema), []);
      const layout = readLayout('export.xml', xml);
      const exported = layout.regions.filter((r) => r.type === 'marginalia');
      assert.equal(exported.length, 1, `${format}: ${layout.regions.map((r) => r.type).join(', ')}`);
      assert.deepEqual(
        exported[0].lines.map((l) => l.id),
        noteLines.map((l) => `line_${l.id}`),
      );
    }
  } finally {
    project.close();
  }
});

test('re-segmenting keeps transcribed lines and a region excluded by hand; excluded lines are left out of counts, suggestions, review, training data and reading', async () => {
  const { project, api, pageId, truth } = await pageWithNotes();
  try {
    await api.segmentPages({ pageIds: [pageId] });
    const view = await api.getPage({ pageId });
    const notes = view.regions.find((r) => r.type === 'marginalia')!;
    const main = view.regions.find((r) => r.type === 'paragraph')!;
    const noteLine = view.lines.find((l) => l.regionId === notes.id)!;
    const mainLine = view.lines.find((l) => l.regionId === main.id)!;
    await api.saveTranscription({ lineId: noteLine.id, text: 'paid in full' });
    await api.saveTranscription({ lineId: mainLine.id, text: 'first line' });
    await api.updateRegion({ regionId: notes.id, excluded: true });
    await api.updateRegion({ regionId: main.id, type: 'heading' });

    const again = await api.segmentPages({ pageIds: [pageId] });
    assert.equal(again.keptLabeled, 2);
    const after = await api.getPage({ pageId });
    assert.equal(after.lines.find((l) => l.id === noteLine.id)?.text, 'paid in full', 'a transcribed line is never removed');
    assert.equal(after.lines.find((l) => l.id === mainLine.id)?.text, 'first line');
    const excluded = after.regions.filter((r) => r.excluded);
    assert.deepEqual(
      excluded.map((r) => r.id),
      [notes.id],
      'the excluded region is the same region, still excluded',
    );
    assert.equal(after.regions.find((r) => r.id === main.id)?.type, 'heading', 'a type set by hand stays');
    assert.equal(after.lines.filter((l) => l.regionId === notes.id).length, truth.notes.length);

    const counted = after.lines.filter((l) => l.regionId !== notes.id);
    const [summary] = await api.listPages({ documentId: after.page.documentId });
    assert.equal(summary.lines, counted.length);
    assert.equal(summary.labeled, 1);
    assert.equal((await api.projectInfo({})).lines, counted.length);
    const excludedIds = new Set(after.lines.filter((l) => l.regionId === notes.id).map((l) => l.id));
    assert.ok(unlabeledLineIds(project).every((id) => !excludedIds.has(id)));
    assert.deepEqual(
      labeledLines(project).map((l) => l.lineId),
      [mainLine.id],
    );

    // Reading with a model: the excluded region's lines are not read, so never suggested or reviewed.
    const base = ensureBaseModel(project);
    const read = await transcribe(project, base.id, { threads: 1 });
    assert.equal(read.length, counted.length);
    assert.ok(read.every((r) => !excludedIds.has(r.lineId)));
    project.db
      .prepare(
        'INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) SELECT id, ?, ?, 0.1, ? FROM lines WHERE region_id = ?',
      )
      .run(base.id, 'x', '[0.1]', notes.id);
    for (const proposed of [await api.suggestLines({ limit: 1000 }), await api.reviewLines({ limit: 1000 })]) {
      assert.equal(proposed.length, counted.length - 1);
      assert.ok(proposed.every((p) => !excludedIds.has(p.lineId)));
    }
    // Exported with the model's readings: none in the excluded region (they are stale there), the person's text kept.
    const exported = async () => {
      const out = join(tempDir(), 'text');
      await exportProject(project, { format: 'text', out, modelId: base.id });
      return readFileSync(join(out, 'folio-12r.txt'), 'utf8').split('\n');
    };
    const withExcluded = await exported();
    assert.ok(!withExcluded.includes('x') && withExcluded.includes('paid in full'));
    await api.updateRegion({ regionId: notes.id, excluded: false });
    assert.ok((await exported()).includes('x'), 'included again once the region is no longer excluded');
    assert.equal((await api.listPages({ documentId: after.page.documentId }))[0].lines, after.lines.length);
  } finally {
    project.close();
  }
});
