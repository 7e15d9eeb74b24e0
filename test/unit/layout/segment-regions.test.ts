// Regions when a page is segmented again: what a person excluded from transcription stays
// excluded, also when the segmenter outlines that part of the page differently this time;
// regions a person drew or retyped stay, the segmenter's own are replaced.
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

async function scanPage() {
  const file = join(tempDir(), 'scan.png');
  await writeSynthPage(4, file);
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [doc] = await api.listDocuments({});
  const [{ id: pageId }] = await api.listPages({ documentId: doc.id });
  const write = (found: FoundLayout) => folderStore(project).run(writeFoundPage(pageId, found));
  return { project, api, pageId, documentId: doc.id, write };
}

test('regions a person drew or retyped stay when the segmenter does not find them again, with their outline; its own are replaced', async () => {
  const { project, api, pageId, write } = await scanPage();
  try {
    await write({
      regions: [
        { type: 'paragraph', polygon: box(40, 200, 600, 200) },
        { type: 'other', polygon: box(40, 20, 200, 60) },
        { type: 'other', polygon: box(500, 900, 200, 60) },
      ],
      lines: [line(50, 220, 500, 0), line(50, 30, 150, 1), line(510, 910, 150, 2)],
      ordered: true,
    });
    const first = await api.getPage({ pageId });
    const [text, stamp, other] = first.regions;
    await api.updateRegion({ regionId: stamp.id, type: 'signature-mark' });
    const drawn = box(700, 400, 100, 300);
    const { regionId: hand } = await api.addRegion({ pageId, polygon: drawn, type: 'marginalia' });
    // Found again: the text block only, a little larger; the drawn region overlapped by a found one of another outline.
    await write({
      regions: [
        { type: 'paragraph', polygon: box(40, 200, 620, 210) },
        { type: 'marginalia', polygon: box(700, 400, 110, 320) },
      ],
      lines: [line(50, 220, 500, 0), line(710, 420, 80, 1)],
      ordered: true,
    });
    const after = await api.getPage({ pageId });
    const ids = after.regions.map((r) => r.id);
    assert.ok(ids.includes(text.id), "the segmenter's region found again keeps its id");
    assert.deepEqual(after.regions.find((r) => r.id === text.id)?.polygon, box(40, 200, 620, 210), 'and takes the new outline');
    assert.ok(ids.includes(stamp.id), 'a retyped region stays');
    assert.equal(after.regions.find((r) => r.id === stamp.id)?.type, 'signature-mark');
    assert.ok(!ids.includes(other.id), "the segmenter's region not found again goes");
    assert.deepEqual(after.regions.find((r) => r.id === hand)?.polygon, drawn, 'a drawn region keeps its outline');
    assert.equal(after.regions.length, 3);
  } finally {
    project.close();
  }
});

test('a line found again inside an excluded region joins it, however the segmenter outlines that region this time', async () => {
  const { project, api, pageId, documentId, write } = await scanPage();
  try {
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
    const [summary] = await api.listPages({ documentId });
    assert.equal(summary.lines, 3, 'the stamp line is not counted for transcription');
  } finally {
    project.close();
  }
});
