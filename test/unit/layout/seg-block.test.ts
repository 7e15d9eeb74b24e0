// Fragments at the scan's edge beside the main text block, and the reading order of regions (seg-block.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import type { RegionClass } from '../../../main/io/region-class.ts';
import { edgeFragments, groupRegions } from '../../../main/layout/seg-block.ts';
import { postProcess } from '../../../main/layout/seg-post.ts';
import { blankMaps } from '../../helpers/seg-pages.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];
const line = (x0: number, x1: number, y: number, region: RegionClass) => ({ polygon: rect(x0, y - 20, x1, y), region });

test('edgeFragments: short non-main lines beside the main block and at the page edge only', () => {
  const lines = [
    line(200, 800, 100, 'main'),
    line(200, 800, 140, 'main'),
    line(0, 60, 120, 'other'), // facing page, left edge: dropped
    line(950, 1000, 120, 'other'), // right edge: dropped
    line(100, 180, 120, 'margin'), // a marginal note, away from the edge: kept
    line(0, 400, 200, 'other'), // long (half the block): kept
    line(0, 60, 40, 'main'), // main text: kept
    line(10, 300, 60, 'other'), // reaches over the block: kept
  ];
  const regions = [
    { region: 'main' as const, polygon: rect(200, 80, 800, 140), lines: [0, 1] },
    { region: 'main' as const, polygon: rect(0, 20, 60, 40), lines: [6] },
  ];
  assert.deepEqual([...edgeFragments(lines, regions, 1000, 0.02, 0.25)], [2, 3]);
  assert.deepEqual([...edgeFragments(lines, regions, 1000, 0.2, 0.25)], [2, 3, 4]);
  assert.equal(edgeFragments(lines, [], 1000, 0.02, 0.25).size, 0);
});

test('groupRegions reads two columns left first, whichever starts a few pixels higher', () => {
  const text = (x: number, y: number) => ({
    baseline: [
      [x, y],
      [x + 200, y],
    ] as Point[],
    polygon: rect(x, y - 15, x + 200, y + 5),
    region: 'main' as RegionClass,
  });
  const left = [100, 130, 160, 190].map((y) => text(50, y));
  for (const shift of [-2, 0, 2]) {
    const right = [100, 130, 160, 190].map((y) => text(300, y + shift));
    const regions = groupRegions([...left, ...right], 30);
    assert.deepEqual(
      regions.map((r) => r.lines),
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
      ],
      `right column ${shift} px lower`,
    );
  }
  // A heading across both columns still comes first, a block under both last.
  // (Each over two line spacings from the columns, so a region of its own.)
  const heading = text(50, 15);
  heading.polygon = rect(50, 0, 500, 20);
  const footer = text(50, 275);
  footer.polygon = rect(50, 260, 500, 280);
  const right = [100, 130, 160, 190].map((y) => text(300, y - 2));
  const regions = groupRegions([heading, ...left, ...right, footer], 30);
  assert.deepEqual(
    regions.map((r) => r.lines),
    [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]],
  );
});

test('groupRegions with direction rtl reads two columns right first (Hebrew, Arabic), whichever starts a few pixels higher', () => {
  const text = (x: number, y: number, w = 200) => ({
    baseline: [
      [x, y],
      [x + w, y],
    ] as Point[],
    polygon: rect(x, y - 15, x + w, y + 5),
    region: 'main' as RegionClass,
  });
  const left = [100, 130, 160, 190].map((y) => text(50, y));
  for (const shift of [-2, 0, 2]) {
    const right = [100, 130, 160, 190].map((y) => text(300, y + shift));
    const lines = [...left, ...right];
    const order = (direction?: 'ltr' | 'rtl') => groupRegions(lines, 30, direction).map((r) => r.lines);
    assert.deepEqual(order('rtl'), [
      [4, 5, 6, 7],
      [0, 1, 2, 3],
    ]);
    assert.deepEqual(order(), order('ltr'), 'left to right by default');
    assert.deepEqual(order('ltr'), [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  }
  // A heading across both columns still comes first, a block under both last.
  const heading = text(50, 15, 450);
  const footer = text(50, 275, 450);
  const right = [100, 130, 160, 190].map((y) => text(300, y + 2));
  assert.deepEqual(
    groupRegions([heading, ...left, ...right, footer], 30, 'rtl').map((r) => r.lines),
    [[0], [5, 6, 7, 8], [1, 2, 3, 4], [9]],
  );
  // Two lines of one region at one height: the one the script reaches first.
  const pair = [text(50, 100), text(200, 100)];
  assert.deepEqual(groupRegions(pair, 30, 'rtl')[0].lines, [1, 0]);
  assert.deepEqual(groupRegions(pair, 30)[0].lines, [0, 1]);
});

test('postProcess passes its direction on: two columns of main text come right first with rtl', () => {
  const width = 140;
  const height = 90;
  const maps = blankMaps(width, height);
  const paint = (map: Float32Array, x0: number, y0: number, x1: number, y1: number) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * width + x] = 1;
  };
  // Two columns of four lines, the right one two pixels higher.
  for (const [x0, x1, shift] of [
    [5, 60, 0],
    [80, 135, -2],
  ]) {
    for (const base of [20, 35, 50, 65]) {
      paint(maps.line, x0, base + shift - 8, x1, base + shift + 3);
      paint(maps.baseline, x0, base + shift - 1, x1, base + shift + 1);
    }
  }
  const firstColumn = (direction: 'ltr' | 'rtl') => {
    const { lines, regions } = postProcess(maps, { direction });
    assert.equal(regions.length, 2);
    return regions[0].lines.map((i) => lines[i].baseline[0][0] < 70);
  };
  assert.deepEqual(firstColumn('ltr'), [true, true, true, true], 'left column first');
  assert.deepEqual(firstColumn('rtl'), [false, false, false, false], 'right column first');
});
