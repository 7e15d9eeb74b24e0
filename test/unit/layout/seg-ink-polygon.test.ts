// Line polygons drawn from the page's ink around found baselines (kraken's way): the edge
// map, the cheapest path through a band, and whole polygons on a drawn page with two lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import { contains, polygonArea } from '../../../main/layout/polygon.ts';
import { cheapestPath, columnHeights, edgeEnergy, inkEnds, inkPolygons, runningMedian } from '../../../main/layout/seg-ink-polygon.ts';
import { layoutFromMaps } from '../../../main/layout/seg-infer.ts';
import type { SegMaps } from '../../../main/layout/seg-post.ts';
import type { GrayImage } from '../../../main/ml/line-image.ts';
import { blankMaps } from '../../helpers/seg-pages.ts';

const PAPER = 230;
const INK = 30;

/** A page with lines of "writing": strokes every 6 px through the x-height, ascenders and descenders here and there. */
function page(width: number, height: number, lines: Array<{ baseline: number; from: number; to: number }>): GrayImage & { ink: Point[][] } {
  const data = new Uint8Array(width * height).fill(PAPER);
  const ink: Point[][] = lines.map(() => []);
  const paint = (i: number, x0: number, y0: number, x1: number, y1: number) => {
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        data[y * width + x] = INK;
        ink[i].push([x + 0.5, y + 0.5]);
      }
    }
  };
  lines.forEach(({ baseline, from, to }, i) => {
    for (let x = from; x + 2 <= to; x += 6) {
      const k = (x - from) / 6;
      // x-height of 12 px; every 7th stroke an ascender (10 px more), every 9th a descender (8 px).
      const top = k % 7 === 3 ? baseline - 22 : baseline - 12;
      const bottom = k % 9 === 5 ? baseline + 8 : baseline;
      paint(i, x, top, x + 2, bottom);
      // A joining stroke along the baseline, as cursive has.
      if (x + 6 <= to) paint(i, x, baseline - 2, x + 6, baseline);
    }
  });
  return { width, height, data, ink };
}

const flat = (y: number, x0: number, x1: number): Point[] => [
  [x0, y],
  [x1, y],
];
const ys = (polygon: Point[]) => polygon.map((p) => p[1]);
/** The polygon's top and bottom over column x (its edges crossing the vertical line). */
function extentAt(polygon: Point[], x: number): [number, number] {
  const hits: number[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const [ax, ay] = polygon[i];
    const [bx, by] = polygon[(i + 1) % polygon.length];
    if (ax !== bx && (ax - x) * (bx - x) <= 0) hits.push(ay + ((by - ay) * (x - ax)) / (bx - ax));
  }
  return [Math.min(...hits), Math.max(...hits)];
}

test('edge energy is nil on bare paper and high along a stroke edge', () => {
  const img = page(40, 30, [{ baseline: 20, from: 10, to: 30 }]);
  const e = edgeEnergy(img);
  assert.equal(e[5 * 40 + 5], 0);
  assert.equal(e[25 * 40 + 35], 0);
  // Beside the first stroke (columns 10-11, rows 8-20): its left edge.
  assert.ok(e[14 * 40 + 9] > 100, `edge ${e[14 * 40 + 9]}`);
});

test('cheapestPath follows the cheap cells, a row per column at most, inside each column’s band', () => {
  const columns = 8;
  const depth = 6;
  const rows = new Int32Array(columns).fill(depth);
  const cost = new Float32Array(columns * depth).fill(10);
  // Cheap row 1 in the first half, cheap row 4 in the second.
  for (let c = 0; c < columns; c++) cost[c * depth + (c < 4 ? 1 : 4)] = 0;
  const path = cheapestPath(rows, depth, cost);
  assert.equal(path[0], 1);
  assert.equal(path[columns - 1], 4);
  for (let c = 1; c < columns; c++) assert.ok(Math.abs(path[c] - path[c - 1]) <= 1);
  // A band cut to two rows over columns 5-7 (a neighbouring baseline): the path stays inside.
  rows.fill(2, 5);
  const bounded = cheapestPath(rows, depth, cost);
  for (let c = 5; c < columns; c++) assert.ok(bounded[c] < 2, `column ${c}: row ${bounded[c]}`);
});

test('columnHeights interpolates a polyline at whole columns, NaN beyond its ends', () => {
  const h = columnHeights(
    [
      [2, 10],
      [6, 14],
    ],
    0,
    8,
  );
  assert.ok(Number.isNaN(h[0]) && Number.isNaN(h[1]) && Number.isNaN(h[7]));
  assert.deepEqual([...h.slice(2, 7)], [10, 11, 12, 13, 14]);
});

test('ink polygons hold their line’s ink, none of the next line’s, and hug the x-height between ascenders', () => {
  const img = page(320, 130, [
    { baseline: 45, from: 20, to: 290 },
    { baseline: 85, from: 20, to: 290 },
  ]);
  const baselines = [flat(45, 20, 290), flat(85, 20, 290)];
  const [a, b] = inkPolygons(img, baselines, 40);
  assert.ok(a && b);
  const inside = (polygon: Point[], pts: Point[]) => pts.filter(([x, y]) => contains(polygon, x, y)).length / pts.length;
  assert.ok(inside(a, img.ink[0]) > 0.9, `line 1 holds ${inside(a, img.ink[0])} of its ink`);
  assert.ok(inside(b, img.ink[1]) > 0.9, `line 2 holds ${inside(b, img.ink[1])} of its ink`);
  assert.equal(inside(a, img.ink[1]), 0);
  assert.equal(inside(b, img.ink[0]), 0);
  // Away from ascenders the top lies just above the x-height (row 33), not at a fixed band's height.
  const [top, bottom] = extentAt(a, 62);
  assert.ok(top > 23 && top < 33, `top ${top}`);
  assert.ok(bottom > 45 && bottom < 63, `bottom ${bottom}`);
  // The ends are the baseline's, moved in by a tenth of a spacing.
  assert.equal(Math.min(...a.map((p) => p[0])), 24);
  assert.equal(Math.max(...a.map((p) => p[0])), 286);
});

test('ink polygons never reach past a neighbouring baseline', () => {
  // Lines 20 px apart: the descenders of the first hang down to the second's x-height.
  const img = page(200, 80, [
    { baseline: 30, from: 10, to: 190 },
    { baseline: 50, from: 10, to: 190 },
  ]);
  const [a, b] = inkPolygons(img, [flat(30, 10, 190), flat(50, 10, 190)], 20);
  assert.ok(a && b);
  assert.ok(Math.max(...ys(a)) < 50, `first reaches ${Math.max(...ys(a))}`);
  assert.ok(Math.min(...ys(b)) > 30, `second reaches ${Math.min(...ys(b))}`);
});

test('a baseline without points gets no ink polygon and leaves the others theirs', () => {
  const img = page(200, 80, [{ baseline: 30, from: 10, to: 190 }]);
  const [empty, line] = inkPolygons(img, [[], flat(30, 10, 190)], 20);
  assert.equal(empty, null);
  assert.ok(line && line.length > 4);
});

/** Maps at a quarter of a 320 × 130 page: one line with its baseline at row 64 of the page, its line map a loose band. */
function oneLineMaps(): SegMaps {
  const width = 80;
  const height = 33;
  const maps = blankMaps(width, height);
  for (let y = 8; y < 22; y++) for (let x = 5; x < 73; x++) maps.line[y * width + x] = 1;
  for (let y = 15; y < 17; y++) for (let x = 5; x < 73; x++) maps.baseline[y * width + x] = 1;
  return maps;
}

test('layoutFromMaps draws polygons from the ink when given a page copy (inkPolygons, the default), from the line map when told or without one', () => {
  const img = page(320, 130, [{ baseline: 64, from: 20, to: 290 }]);
  const maps = oneLineMaps();
  const fromMap = layoutFromMaps(maps, 320, 130, { inkPolygons: false }, img).lines;
  assert.deepEqual(layoutFromMaps(maps, 320, 130).lines, fromMap, 'no page copy: the line map');
  // One line on the page: post-processing's spacing is its default of 20 map pixels, 80 here,
  // twice the line's; kraken's pad of 0.07 spacings keeps the polygon's top near the ink.
  const fromInk = layoutFromMaps(maps, 320, 130, { seamPadSpacings: 0.07 }, img).lines;
  assert.equal(fromMap.length, 1);
  assert.equal(fromInk.length, 1);
  assert.deepEqual(fromInk[0].baseline, fromMap[0].baseline);
  assert.notDeepEqual(fromInk[0].polygon, fromMap[0].polygon);
  const [top] = extentAt(fromInk[0].polygon, 62);
  assert.ok(top > 42 && top < 52, `top ${top} (x-height from row 52)`);
  const held = img.ink[0].filter(([x, y]) => contains(fromInk[0].polygon, x, y)).length / img.ink[0].length;
  assert.ok(held > 0.85, `holds ${held} of the ink`);
});

test('runningMedian removes spikes narrower than half its window and keeps steps', () => {
  const path = Int32Array.from([5, 5, 5, 12, 5, 5, 5, 9, 9, 9, 9, 9]);
  assert.deepEqual([...runningMedian(path, 3)], [5, 5, 5, 5, 5, 5, 5, 9, 9, 9, 9, 9]);
  assert.equal(runningMedian(path, 1), path);
});

test('inkEnds finds where a line’s ink begins and ends, ignoring a faint speck before it', () => {
  const profile = Float64Array.from([0, 0, 1, 0, 0, 0, 8, 10, 9, 10, 0, 11, 10, 9, 0, 0, 0]);
  assert.deepEqual(inkEnds(profile, 0.3, 2), [6, 13]);
  // Nothing faint enough to trim: the whole line.
  assert.deepEqual(inkEnds(Float64Array.from([5, 5, 5, 5]), 0.3, 2), [0, 3]);
});

test('ink polygons with inkEndShare end where the ink does, not where a too-long baseline does', () => {
  const img = page(320, 90, [{ baseline: 45, from: 60, to: 250 }]);
  const [long] = inkPolygons(img, [flat(45, 20, 290)], 40, { seamEndTrimSpacings: 0 });
  const [fitted] = inkPolygons(img, [flat(45, 20, 290)], 40, { seamEndTrimSpacings: 0, inkEndShare: 0.2 });
  assert.ok(long && fitted);
  assert.equal(Math.min(...long.map((p) => p[0])), 20);
  const left = Math.min(...fitted.map((p) => p[0]));
  const right = Math.max(...fitted.map((p) => p[0]));
  assert.ok(left >= 55 && left <= 62, `left ${left}`);
  assert.ok(right >= 246 && right <= 254, `right ${right}`);
});

test('ink polygons never reach past a close interlinear baseline (the pad and the clip stay within the band)', () => {
  // A line, a short insertion written between it and the line above (24 px over it, 0.6 of a
  // spacing), and the next line: over the insertion neither polygon may cross the other's baseline.
  const img = page(320, 160, [
    { baseline: 85, from: 20, to: 290 },
    { baseline: 61, from: 120, to: 180 },
    { baseline: 125, from: 20, to: 290 },
  ]);
  const [a, b] = inkPolygons(img, [flat(85, 20, 290), flat(61, 120, 180), flat(125, 20, 290)], 40);
  assert.ok(a && b);
  for (let x = 125; x <= 175; x += 5) {
    assert.ok(extentAt(a, x)[0] >= 61, `column ${x}: the line's top ${extentAt(a, x)[0]} above the insertion's baseline (61)`);
    assert.ok(extentAt(b, x)[1] <= 85, `column ${x}: the insertion's bottom ${extentAt(b, x)[1]} below the line's baseline (85)`);
  }
});

test('ink polygons of baselines at the page’s edge stay on its pixels, with area; a baseline wholly off the page gets none', () => {
  const img = page(200, 80, [{ baseline: 70, from: 10, to: 190 }]);
  // A baseline running past the top edge, the last line's running past the bottom one, and one below the page.
  const [top, bottom, below] = inkPolygons(
    img,
    [
      [
        [10, -6],
        [190, 6],
      ],
      [
        [10, 74],
        [190, 86],
      ],
      flat(160, 10, 190),
    ],
    20,
  );
  assert.ok(top && bottom);
  for (const polygon of [top, bottom]) {
    for (const [x, y] of polygon) assert.ok(x >= 0 && x <= 199 && y >= 0 && y <= 79, `point ${x},${y} off the 200×80 image`);
    assert.ok(polygonArea(polygon) > 0, 'the clamped polygon keeps an area');
  }
  assert.equal(below, null);
});
