// The measures of bench/seg-polygon-analysis.ts: how a found line polygon sits against the
// true one around the true baseline, and which true lines were split or merged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import {
  bandOverlap,
  columnExtent,
  emptyLossCounts,
  lossCategories,
  pairGeometry,
  splitsAndMerges,
} from '../../../bench/seg-polygon-geometry.ts';
import { matchPairs } from '../../../main/layout/line-metrics.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];
const line = (x0: number, x1: number, y: number): Point[] => [
  [x0, y],
  [x1, y],
];

test('columnExtent: top and bottom of a polygon at a column, null outside it', () => {
  const slanted: Point[] = [
    [0, 0],
    [100, 20],
    [100, 40],
    [0, 30],
  ];
  assert.deepEqual(columnExtent(slanted, 50), { top: 10, bottom: 35 });
  assert.deepEqual(columnExtent(rect(10, 5, 20, 15), 10), { top: 5, bottom: 15 });
  assert.equal(columnExtent(slanted, 120), null);
});

test('pairGeometry: reaches above and below the true baseline and the ends, in line spacings', () => {
  const truth = { polygon: rect(100, 60, 500, 100), baseline: line(100, 500, 90) };
  const found = { polygon: rect(80, 50, 520, 110), baseline: line(80, 520, 92) };
  const g = pairGeometry(found, truth, 40, 0.6);
  assert.equal(g.trueUp, 30 / 40);
  assert.equal(g.trueDown, 10 / 40);
  assert.equal(g.foundUp, 40 / 40);
  assert.equal(g.foundDown, 20 / 40);
  assert.equal(g.downRatio, 2);
  assert.equal(g.leftShift, -20 / 40);
  assert.equal(g.rightShift, 20 / 40);
  assert.equal(g.baselineShift, 2 / 40);
});

test('splitsAndMerges: a true line found in two pieces, two cells found as one, two lines under one polygon', () => {
  const truth = [
    { polygon: rect(0, 0, 400, 40), baseline: line(0, 400, 35) },
    { polygon: rect(0, 40, 190, 80), baseline: line(0, 190, 75) },
    { polygon: rect(210, 40, 400, 80), baseline: line(210, 400, 75) },
    { polygon: rect(0, 80, 400, 120), baseline: line(0, 400, 115) },
    { polygon: rect(0, 120, 400, 160), baseline: line(0, 400, 155) },
  ];
  const found = [
    { polygon: rect(0, 0, 180, 40), baseline: line(0, 180, 35) },
    { polygon: rect(220, 0, 400, 40), baseline: line(220, 400, 35) },
    { polygon: rect(0, 40, 400, 80), baseline: line(0, 400, 75) },
    { polygon: rect(0, 80, 400, 160), baseline: line(0, 400, 135) },
    { polygon: rect(0, 400, 100, 440), baseline: line(0, 100, 435) },
  ];
  assert.deepEqual(splitsAndMerges(found, truth), { split: 1, mergedSideBySide: 1, mergedAcross: 1, foundNoTruth: 1 });
});

test('bandOverlap: the share of columns two polygons share, and their median vertical IoU there', () => {
  const o = bandOverlap(rect(0, 0, 100, 40), rect(50, 20, 150, 60));
  assert.equal(o.horizontal, 50 / 150);
  assert.equal(o.vertical, 20 / 60);
});

test('lossCategories: why each unmatched true and found line is unmatched', () => {
  const truth = [
    { polygon: rect(0, 0, 400, 40), baseline: line(0, 400, 30) }, // matched
    { polygon: rect(0, 40, 400, 80), baseline: line(0, 400, 70) }, // split in two
    { polygon: rect(0, 80, 190, 120), baseline: line(0, 190, 110) }, // two cells found as one
    { polygon: rect(210, 80, 400, 120), baseline: line(210, 400, 110) },
    { polygon: rect(0, 140, 400, 160), baseline: line(0, 400, 155) }, // found far too tall above
    { polygon: rect(0, 160, 400, 200), baseline: line(0, 400, 190) }, // found on a third of it
    { polygon: rect(0, 200, 400, 240), baseline: line(0, 400, 230) }, // not found
  ];
  const found = [
    { polygon: rect(0, 0, 400, 40), baseline: line(0, 400, 30) },
    { polygon: rect(0, 40, 180, 80), baseline: line(0, 180, 70) },
    { polygon: rect(220, 40, 400, 80), baseline: line(220, 400, 70) },
    { polygon: rect(0, 80, 400, 120), baseline: line(0, 400, 110) },
    { polygon: rect(0, 115, 400, 160), baseline: line(0, 400, 155) },
    { polygon: rect(0, 160, 130, 200), baseline: line(0, 130, 190) },
    { polygon: rect(500, 0, 560, 40), baseline: line(500, 560, 30) }, // beside every true line
    { polygon: rect(100, 250, 300, 275), baseline: line(100, 300, 270) }, // below them all
  ];
  const counts = emptyLossCounts();
  lossCategories(
    found,
    truth,
    matchPairs(
      found.map((f) => f.polygon),
      truth.map((t) => t.polygon),
    ),
    counts,
  );
  assert.deepEqual(counts, {
    ...emptyLossCounts(),
    missed: 1,
    split: 1,
    merged: 2,
    shapeEnds: 1,
    shapeAboveTall: 1,
    foundPiece: 2,
    foundMerge: 1,
    foundShape: 2,
    foundNoTruthOutside: 2,
  });
});
