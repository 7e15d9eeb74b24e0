// How Find lines reports in the status line and how the segmenter menu names a fine-tuned
// segmenter: counts of one are singular ("1 line found in 1 region", "1 page").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFindLines, describeSegmentReport, projectSegmenterLabel } from '../../../renderer/src/lib/segmenter-choice.ts';

const report = { pages: 1, added: 7, keptLabeled: 0, removed: 0, regions: 0, segmenter: 'classical' };

test('a segmentation report counts lines, regions, pages and kept lines in the singular or plural', () => {
  assert.match(describeSegmentReport({ ...report, added: 7, regions: 1 }), /^7 lines found in 1 region \(/);
  assert.match(describeSegmentReport({ ...report, added: 1, regions: 2 }), /^1 line found in 2 regions \(/);
  assert.match(describeSegmentReport({ ...report, added: 0 }), /^0 lines found \(/);
  assert.match(describeSegmentReport({ ...report, pages: 3 }), /^7 lines found on 3 pages \(/);
  assert.match(describeSegmentReport({ ...report, keptLabeled: 1 }), /; 1 transcribed line kept as it was \(/);
  assert.match(describeSegmentReport({ ...report, keptLabeled: 4 }), /; 4 transcribed lines kept as they were \(/);
});

test('texts saved before Find lines are counted in the singular or plural', () => {
  assert.match(describeFindLines(1, report), /^1 unsaved line text saved first, so that line was kept\. 7 lines found/);
  assert.match(describeFindLines(2, report), /^2 unsaved line texts saved first, so those lines were kept\. 7 lines found/);
  assert.equal(describeFindLines(0, report), describeSegmentReport(report));
});

test("a fine-tuned segmenter's label counts its pages in the singular or plural", () => {
  const s = { jobId: 4, finishedAt: '2024-05-01T10:20:30Z' };
  assert.equal(projectSegmenterLabel({ ...s, pages: 1 }), 'Fine-tuned here · job 4 · 2024-05-01 10:20 · 1 page');
  assert.equal(projectSegmenterLabel({ ...s, pages: 2 }), 'Fine-tuned here · job 4 · 2024-05-01 10:20 · 2 pages');
});
