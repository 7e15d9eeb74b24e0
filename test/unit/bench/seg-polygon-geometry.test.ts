// The measures of bench/seg-polygon-analysis.ts: how a found line polygon sits against the
// true one around the true baseline, and which true lines were split or merged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import { columnExtent, pairGeometry, splitsAndMerges } from '../../../bench/seg-polygon-geometry.ts';

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
