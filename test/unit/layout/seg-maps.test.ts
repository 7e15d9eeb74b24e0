// The segmentation model's pure parts around the network: rasterised targets, the
// post-processing of predicted maps into lines and regions, and the baseline metric.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import { scoreBaselines } from '../../../main/layout/baseline-metrics.ts';
import { scanPolygon } from '../../../main/layout/raster.ts';
import { regionClass } from '../../../main/io/region-class.ts';
import { BIT, segTargets } from '../../../main/layout/seg-targets.ts';
import { postProcess, type SegMaps } from '../../../main/layout/seg-post.ts';
import { blankMaps } from '../../helpers/seg-pages.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

test('a polygon fills the pixels whose centres it contains', () => {
  let n = 0;
  scanPolygon(rect(2, 3, 12, 8), 20, 20, () => n++);
  assert.equal(n, 10 * 5);
});

test('targets: touching line polygons are kept apart by a seam, baselines and region bits are drawn', () => {
  const lines = [
    {
      polygon: rect(5, 5, 45, 15),
      baseline: [
        [5, 13],
        [45, 13],
      ] as Point[],
      region: 'main' as const,
    },
    {
      polygon: rect(5, 15, 45, 25),
      baseline: [
        [5, 23],
        [45, 23],
      ] as Point[],
      region: 'main' as const,
    },
    {
      polygon: rect(50, 5, 60, 25),
      baseline: [
        [50, 20],
        [60, 20],
      ] as Point[],
      region: 'margin' as const,
    },
  ];
  const t = segTargets(64, 32, lines, [{ region: 'main', polygon: rect(3, 3, 47, 27) }]);
  const at = (x: number, y: number) => t[y * 64 + x];
  assert.ok(at(20, 8) & BIT.line);
  assert.ok(at(20, 18) & BIT.line);
  // Rows 14 and 15 touch the other line: the seam.
  assert.equal(at(20, 14) & BIT.line, 0);
  assert.equal(at(20, 15) & BIT.line, 0);
  assert.ok(at(20, 13) & BIT.baseline);
  assert.equal(at(20, 9) & BIT.baseline, 0);
  assert.ok(at(20, 8) & BIT.main);
  assert.equal(at(20, 8) & BIT.margin, 0);
  // The margin line has no region polygon: its own outline marks the class.
  assert.ok(at(55, 10) & BIT.margin);
  assert.equal(at(55, 10) & BIT.main, 0);
});

test('region types fold into main, margin and other', () => {
  assert.deepEqual(['MainZone', 'MarginTextZone:note', 'NumberingZone:page', undefined, 'marginal', 'StampZone'].map(regionClass), [
    'main',
    'margin',
    'other',
    'main',
    'margin',
    'other',
  ]);
});

/** Maps of a page: main-text lines on the right, short marginal notes on the left. */
function mapsWithMarginalia(): SegMaps {
  const width = 120;
  const height = 80;
  const maps = blankMaps(width, height, 0);
  const paint = (map: Float32Array, x0: number, y0: number, x1: number, y1: number, v = 1) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * width + x] = v;
  };
  for (const base of [15, 30, 45, 60]) {
    paint(maps.line, 40, base - 8, 110, base + 3);
    paint(maps.baseline, 40, base - 1, 110, base + 1);
  }
  paint(maps.main, 38, 5, 112, 66);
  for (const base of [20, 32]) {
    paint(maps.line, 5, base - 8, 30, base + 3);
    paint(maps.baseline, 5, base - 1, 30, base + 1);
  }
  paint(maps.margin, 3, 10, 32, 36);
  // A speck in the baseline map is not a line.
  paint(maps.baseline, 70, 72, 72, 74);
  return maps;
}

test('post-processing: one line per baseline band, polygons around the baseline, marginal notes as their own region', () => {
  const { lines, regions } = postProcess(mapsWithMarginalia());
  assert.equal(lines.length, 6);
  assert.equal(regions.length, 2);
  const main = regions.find((r) => r.region === 'main')!;
  const margin = regions.find((r) => r.region === 'margin')!;
  assert.equal(main.lines.length, 4);
  assert.equal(margin.lines.length, 2);
  // Lines within a region run top to bottom.
  const ys = main.lines.map((i) => lines[i].baseline[0][1]);
  assert.deepEqual(
    ys,
    [...ys].sort((a, b) => a - b),
  );
  for (const i of margin.lines) assert.ok(lines[i].baseline.every(([x]) => x < 32));
  const first = lines[main.lines[0]];
  const top = Math.min(...first.polygon.map((p) => p[1]));
  const bottom = Math.max(...first.polygon.map((p) => p[1]));
  assert.ok(top >= 5 && top <= 9, `top ${top}`);
  assert.ok(bottom >= 16 && bottom <= 19, `bottom ${bottom}`);
});

test('baseline metric: exact baselines score 1, baselines a line away score 0, a missing line lowers recall only', () => {
  const truth: Point[][] = [
    [
      [0, 50],
      [400, 50],
    ],
    [
      [0, 100],
      [400, 100],
    ],
    [
      [0, 150],
      [400, 150],
    ],
  ];
  const exact = scoreBaselines(truth, truth);
  assert.equal(exact.truthCovered, exact.truthPoints);
  assert.equal(exact.foundCovered, exact.foundPoints);
  const off = scoreBaselines(
    truth.map((l) => l.map(([x, y]): Point => [x, y + 25])),
    truth,
  );
  assert.equal(off.truthCovered, 0);
  const missing = scoreBaselines(truth.slice(0, 2), truth);
  assert.ok(Math.abs(missing.truthCovered / missing.truthPoints - 2 / 3) < 0.02);
  assert.equal(missing.foundCovered, missing.foundPoints);
});

test('post-processing: a baseline broken by a faint stretch is one line, a short speck is none', () => {
  const maps = mapsWithMarginalia();
  // Break the second main line's baseline for 6 columns.
  for (let y = 28; y < 32; y++) for (let x = 70; x < 76; x++) maps.baseline[y * maps.width + x] = 0.1;
  const { lines } = postProcess(maps);
  assert.equal(lines.length, 6);
  const second = lines.filter((l) => l.region === 'main').sort((a, b) => a.baseline[0][1] - b.baseline[0][1])[1];
  assert.ok(second.baseline[0][0] <= 41 && second.baseline[second.baseline.length - 1][0] >= 108);
});

test('post-processing: notes the network calls main text but that sit beside the main block are a margin region', () => {
  const maps = mapsWithMarginalia();
  // The network's margin map stays silent; its main map covers the notes too. The notes end
  // more than a line spacing before the text (else they would be joined to its lines).
  maps.margin.fill(0);
  for (let y = 10; y < 36; y++) {
    for (let x = 3; x < 32; x++) maps.main[y * maps.width + x] = 1;
    for (let x = 20; x < 32; x++) maps.baseline[y * maps.width + x] = maps.line[y * maps.width + x] = 0;
  }
  const { lines, regions } = postProcess(maps);
  assert.deepEqual(regions.map((r) => [r.region, r.lines.length]).sort(), [
    ['main', 4],
    ['margin', 2],
  ]);
  for (const i of regions.find((r) => r.region === 'margin')!.lines) assert.equal(lines[i].region, 'margin');
  // A second column as wide as the first is main text, not a margin.
  const wide = mapsWithMarginalia();
  wide.margin.fill(0);
  wide.main.fill(1);
  for (const base of [20, 32]) {
    for (let y = base - 1; y < base + 1; y++) for (let x = 5; x < 38; x++) wide.baseline[y * wide.width + x] = 1;
    // The line body runs as far as the baseline (else the baseline is cut at the gap).
    for (let y = base - 8; y < base + 3; y++) for (let x = 5; x < 38; x++) wide.line[y * wide.width + x] = 1;
  }
  assert.ok(postProcess(wide).regions.every((r) => r.region === 'main'));
});

/** One row of two table cells: the baseline map runs on across the gap between them, the line map does not. */
function mapsWithTableRow(): SegMaps {
  const maps = mapsWithMarginalia();
  const { width } = maps;
  for (let y = 66; y < 80; y++) for (let x = 0; x < width; x++) maps.baseline[y * width + x] = maps.line[y * width + x] = 0;
  for (let y = 67; y < 75; y++) for (let x = 40; x < 110; x++) maps.line[y * width + x] = x < 70 || x >= 80 ? 1 : 0;
  for (let y = 74; y < 76; y++) for (let x = 40; x < 110; x++) maps.baseline[y * width + x] = 1;
  // The gap is not quite clean: a sliver of line body along the baseline.
  for (let x = 70; x < 80; x++) maps.line[73 * width + x] = 1;
  return maps;
}

test('post-processing: a baseline running across a gap in the line map is two lines (table cells)', () => {
  const row = (lines: ReturnType<typeof postProcess>['lines']) => lines.filter((l) => l.baseline[0][1] > 70);
  const cells = row(postProcess(mapsWithTableRow()).lines).sort((a, b) => a.baseline[0][0] - b.baseline[0][0]);
  assert.equal(cells.length, 2);
  assert.ok(cells[0].baseline[cells[0].baseline.length - 1][0] < 70, 'the left cell ends before the gap');
  assert.ok(cells[1].baseline[0][0] >= 80, 'the right cell begins after it');
  for (const cell of cells) assert.ok(Math.min(...cell.polygon.map((p) => p[1])) >= 66);
  assert.equal(row(postProcess(mapsWithTableRow(), { splitGapSpacings: 0 }).lines).length, 1);
  assert.equal(row(postProcess(mapsWithTableRow(), { splitBodyShare: 0 }).lines).length, 1);
});

test('post-processing: a polygon stops 0.4 line spacings below its baseline, its ends a little inside the baseline', () => {
  const maps = mapsWithMarginalia();
  // The line map runs on 10 px below the first main line (spacing 15).
  for (let y = 15; y < 25; y++) for (let x = 40; x < 110; x++) maps.line[y * maps.width + x] = 1;
  const first = postProcess(maps)
    .lines.filter((l) => l.region === 'main')
    .sort((a, b) => a.baseline[0][1] - b.baseline[0][1])[0];
  const bottom = Math.max(...first.polygon.map((p) => p[1]));
  assert.ok(bottom <= 15 + 0.4 * 15, `bottom ${bottom}`);
  const xs = first.polygon.map((p) => p[0]);
  assert.ok(Math.min(...xs) > first.baseline[0][0] && Math.max(...xs) < first.baseline[first.baseline.length - 1][0]);
});

test('post-processing: a baseline band the network is nowhere more than 0.75 sure of is no line', () => {
  const maps = mapsWithMarginalia();
  for (let y = 58; y < 61; y++) for (let x = 40; x < 110; x++) maps.baseline[y * maps.width + x] = 0.75;
  const { lines } = postProcess(maps);
  assert.equal(lines.length, 5);
  assert.ok(lines.every((l) => l.baseline[0][1] < 50));
});

test('post-processing: with edgeFragmentShare, a short line at the scan edge beside the main block (a facing page) is dropped', () => {
  const maps = mapsWithMarginalia();
  // Words of the facing page cut by the scan's left edge, below the marginal notes.
  for (let x = 0; x < 12; x++) {
    for (let y = 42; y < 53; y++) maps.line[y * maps.width + x] = 1;
    for (let y = 49; y < 51; y++) maps.baseline[y * maps.width + x] = 1;
  }
  const kept = postProcess(maps).lines;
  assert.equal(kept.length, 7);
  assert.ok(kept.some((l) => l.region === 'other' && l.baseline[0][0] < 5));
  const { lines, regions } = postProcess(maps, { edgeFragmentShare: 0.02 });
  assert.equal(lines.length, 6);
  assert.ok(lines.every((l) => l.region !== 'other'));
  // The marginal notes, as short but further from the edge, stay; regions index the kept lines.
  assert.equal(lines.filter((l) => l.region === 'margin').length, 2);
  assert.deepEqual(regions.flatMap((r) => r.lines).sort(), [0, 1, 2, 3, 4, 5]);
});

test('post-processing: a short line the network is on average unsure of (under 0.55) is dropped, a sure one kept', () => {
  const maps = mapsWithMarginalia();
  // A short band below the notes, sure at one pixel only (as show-through or a stamp).
  const paintBand = (value: number) => {
    for (let x = 5; x < 25; x++) {
      for (let y = 62; y < 69; y++) maps.line[y * maps.width + x] = 1;
      for (let y = 68; y < 70; y++) maps.baseline[y * maps.width + x] = value;
    }
    maps.baseline[68 * maps.width + 14] = 0.9;
  };
  const below = (lines: ReturnType<typeof postProcess>['lines']) => lines.filter((l) => l.baseline[0][1] > 64);
  paintBand(0.5);
  assert.equal(below(postProcess(maps).lines).length, 0);
  assert.equal(below(postProcess(maps, { weakBaselineMean: 0 }).lines).length, 1);
  paintBand(0.7);
  assert.equal(below(postProcess(maps).lines).length, 1);
});
