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

/** A line polygon from (x0, y0) to (x1, y1) with its baseline at height y across it. */
const band = (x0: number, y0: number, x1: number, y1: number, y: number) => ({ polygon: rect(x0, y0, x1, y1), baseline: line(x0, x1, y) });

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

/** A true line found in two pieces, two cells found as one, two lines under one polygon, a found line on no true line. */
const scene = () => {
  const truth = [
    band(0, 0, 400, 40, 35),
    band(0, 40, 190, 80, 75),
    band(210, 40, 400, 80, 75),
    band(0, 80, 400, 120, 115),
    band(0, 120, 400, 160, 155),
  ];
  // The first true line's columns x0…x1.
  const piece = (x0: number, x1: number) => band(x0, 0, x1, 40, 35);
  const found = [piece(0, 180), piece(220, 400), band(0, 40, 400, 80, 75), band(0, 80, 400, 160, 135), band(0, 400, 100, 440, 435)];
  return { truth, found };
};

test('splitsAndMerges: a true line found in two pieces, two cells found as one, two lines under one polygon', () => {
  const { found, truth } = scene();
  assert.deepEqual(splitsAndMerges(found, truth), { split: 1, mergedSideBySide: 1, mergedAcross: 1, foundNoTruth: 1 });
});

test('bandOverlap: the share of columns two polygons share, and their median vertical IoU there', () => {
  const o = bandOverlap(rect(0, 0, 100, 40), rect(50, 20, 150, 60));
  assert.equal(o.horizontal, 50 / 150);
  assert.equal(o.vertical, 20 / 60);
});

test('lossCategories: why each unmatched true and found line is unmatched', () => {
  const { found, truth } = scene();
  // Below the scene: a line found as it is, one found far too tall above, one found on a third of it, one not found.
  truth.push(band(0, 200, 400, 240, 230), band(0, 270, 400, 280, 275), band(0, 300, 400, 340, 330), band(0, 360, 400, 390, 385));
  found.push(band(0, 200, 400, 240, 230), band(0, 255, 400, 280, 275), band(0, 300, 130, 340, 330));
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
    merged: 3,
    shapeEnds: 1,
    shapeAboveTall: 1,
    foundPiece: 2,
    foundMerge: 1,
    foundShape: 2,
    foundNoTruthOutside: 1,
  });
});
