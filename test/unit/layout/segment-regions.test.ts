// Regions when a page is segmented again: what a person excluded from transcription stays
// excluded, also when the segmenter outlines that part of the page differently this time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { writeFoundPage } from '../../../main/layout/segment-pages.ts';
import type { FoundLayout } from '../../../main/layout/found-layout.ts';
import { folderStore } from '../../../main/project/project-store.ts';
import type { Point } from '../../../main/io/layout.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

const box = (x: number, y: number, w: number, h: number): Point[] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];
const line = (x: number, y: number, w: number, region: number) => ({
  polygon: box(x, y, w, 30),
  baseline: [
    [x, y + 24],
    [x + w, y + 24],
  ] as Point[],
  region,
});

test('a line found again inside an excluded region joins it, however the segmenter outlines that region this time', async () => {
  const file = join(tempDir(), 'scan.png');
  await writeSynthPage(4, file);
  const project = newProject();
  try {
    const api = createService(project);
    await api.importFiles({ paths: [file] });
    const [doc] = await api.listDocuments({});
    const [{ id: pageId }] = await api.listPages({ documentId: doc.id });
    const write = (found: FoundLayout) => folderStore(project).run(writeFoundPage(pageId, found));
    // First pass: a stamp in the top margin, a text block below it.
    await write({
      regions: [
        { type: 'other', polygon: box(40, 20, 200, 60) },
        { type: 'paragraph', polygon: box(40, 200, 600, 200) },
      ],
      lines: [line(50, 30, 150, 0), line(50, 220, 500, 1), line(50, 300, 500, 1)],
      ordered: true,
    });
    const first = await api.getPage({ pageId });
    const stamp = first.regions.find((r) => r.type === 'other')!;
    await api.updateRegion({ regionId: stamp.id, excluded: true });
    // Second pass: the stamp grouped with a page number into a much wider region (IoU < 0.5 with the stamp's).
    await write({
      regions: [
        { type: 'other', polygon: box(40, 10, 700, 110) },
        { type: 'paragraph', polygon: box(40, 200, 600, 200) },
      ],
      lines: [line(50, 30, 150, 0), line(600, 40, 60, 0), line(50, 220, 500, 1), line(50, 300, 500, 1)],
      ordered: true,
    });
    const after = await api.getPage({ pageId });
    const excluded = after.regions.filter((r) => r.excluded).map((r) => r.id);
    assert.deepEqual(excluded, [stamp.id], 'the excluded region stays');
    const stampLines = after.lines.filter((l) => l.box.x < 250 && l.box.y < 100);
    assert.equal(stampLines.length, 1);
    assert.equal(stampLines[0].regionId, stamp.id, 'the stamp line is in the excluded region again');
    const pageNumber = after.lines.find((l) => l.box.x >= 600 && l.box.y < 100)!;
    assert.notEqual(pageNumber.regionId, stamp.id, 'a line outside it goes to the region found for it');
    const [summary] = await api.listPages({ documentId: doc.id });
    assert.equal(summary.lines, 3, 'the stamp line is not counted for transcription');
  } finally {
    project.close();
  }
});
