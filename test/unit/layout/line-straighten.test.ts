import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import { cropLine, type PagePixels } from '../../../main/images/line-crop.ts';
import { cutLine, straightenLine } from '../../../main/images/line-straighten.ts';

/** A one-channel page whose gray at each pixel centre is f(x, y). */
function page(width: number, height: number, f: (x: number, y: number) => number): PagePixels {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x + 0.5, y + 0.5);
  return { width, height, channels: 1, data };
}

// A "line of writing" in a frame turned by `angle` about (ox, oy): u runs along the
// baseline, v below it. Ink (0) in vertical strokes 3 px wide every 8 px, between 12 px above
// the baseline and 4 px below it; paper 200 elsewhere.
const ink = (u: number, v: number) => (v > -12 && v < 4 && ((u % 8) + 8) % 8 < 3 ? 0 : 200);
function tiltedLine(angle: number, ox: number, oy: number, length: number) {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const toPage = (u: number, v: number): Point => [ox + u * c - v * s, oy + u * s + v * c];
  const img = page(400, 200, (x, y) => {
    const u = (x - ox) * c + (y - oy) * s;
    const v = -(x - ox) * s + (y - oy) * c;
    return u >= 0 && u <= length ? ink(u, v) : 200;
  });
  // The polygon hugs the writing: 16 px above the baseline, 8 below, along its length.
  const polygon: Point[] = [toPage(0, -16), toPage(length, -16), toPage(length, 8), toPage(0, 8)];
  const baseline: Point[] = [toPage(0, 0), toPage(length, 0)];
  return { img, polygon, baseline };
}

test('straightenLine turns a line written uphill into a level line as tall as its polygon', () => {
  const angle = (-12 * Math.PI) / 180;
  const { img, polygon, baseline } = tiltedLine(angle, 40, 150, 300);
  const out = straightenLine(img, polygon, baseline)!;
  assert.ok(out, 'a usable baseline');
  assert.ok(Math.abs(out.height - 24) <= 1, `height ${out.height}: the polygon's thickness, not its tilted box`);
  assert.ok(Math.abs(out.width - 300) <= 2, `width ${out.width}: the baseline's length`);
  const box = cropLine(img, polygon)!;
  assert.ok(box.height > 80, `the box around the tilted line is ${box.height} px tall`);
  // Every output pixel away from stroke edges reads what the turned frame put there.
  let checked = 0;
  let wrong = 0;
  for (let i = 0; i < out.height; i++) {
    const v = i + 0.5 - 16;
    for (let j = 2; j < out.width - 2; j++) {
      const u = j + 0.5;
      const phase = ((u % 8) + 8) % 8;
      if (Math.abs(v + 12) < 1.5 || Math.abs(v - 4) < 1.5 || phase < 1 || (phase > 2 && phase < 4) || phase > 7) continue;
      checked++;
      if (Math.abs(out.data[i * out.width + j] - ink(u, v)) > 60) wrong++;
    }
  }
  assert.ok(checked > 2000, `${checked} pixels checked`);
  assert.ok(wrong / checked < 0.01, `${wrong} of ${checked} pixels differ from the level line`);
});

// A level line's polygon on a 120×60 page, its baseline at y = 38.
const LEVEL: Point[] = [
  [10, 20],
  [90, 20],
  [90, 44],
  [10, 44],
];

test('straightenLine cuts a level line exactly like its box', () => {
  const img = page(120, 60, (x, y) => (x * 7 + y * 13) % 256);
  const out = straightenLine(img, LEVEL, [
    [10, 38],
    [90, 38],
  ])!;
  const box = cropLine(img, LEVEL)!;
  assert.equal(out.width, box.width);
  assert.equal(out.height, box.height);
  assert.deepEqual(Array.from(out.data), Array.from(box.data));
});

test('straightenLine never mirrors a line whose baseline runs right to left', () => {
  // A gradient left to right: the cut must keep it left to right.
  const img = page(120, 60, (x) => Math.round(x * 2));
  const out = straightenLine(img, LEVEL, [
    [90, 38],
    [10, 38],
  ])!;
  assert.ok(out.data[10] < out.data[out.width - 10], 'left stays left');
});

test('straightenLine follows a curved baseline', () => {
  // Writing along a gentle arc: the cut's rows stay at one height above the arc.
  const arcY = (x: number) => 100 - 0.0015 * (x - 200) ** 2;
  const img = page(400, 200, (x, y) => (y > arcY(x) - 10 && y < arcY(x) ? 0 : 220));
  const baseline: Point[] = Array.from({ length: 21 }, (_, k) => [50 + k * 15, arcY(50 + k * 15)] as Point);
  const polygon: Point[] = [
    ...baseline.map(([x, y]) => [x, y - 14] as Point),
    ...[...baseline].reverse().map(([x, y]) => [x, y + 6] as Point),
  ];
  const out = straightenLine(img, polygon, baseline)!;
  assert.ok(out.height <= 24, `height ${out.height}`);
  // The ink band lies 10 px above the baseline in every column.
  const row = (dv: number) => Math.round(14 + dv - 0.5);
  for (let j = 10; j < out.width - 10; j += 17) {
    assert.ok(out.data[row(-5) * out.width + j] < 60, `column ${j}: ink 5 px above the baseline`);
    assert.ok(out.data[row(-13) * out.width + j] > 160, `column ${j}: paper 13 px above`);
    assert.ok(out.data[row(4) * out.width + j] > 160, `column ${j}: paper 4 px below`);
  }
});

test('cutLine falls back to the polygon box without a usable baseline', () => {
  const img = page(60, 60, (x, y) => (x + y) % 200);
  const polygon: Point[] = [
    [10, 10],
    [50, 12],
    [48, 30],
    [12, 28],
  ];
  const box = cropLine(img, polygon)!;
  for (const baseline of [
    null,
    [[20, 25]] as Point[],
    [
      [20, 10],
      [22, 50],
    ] as Point[],
    [
      [20, 25],
      [20.2, 25],
    ] as Point[],
  ])
    assert.deepEqual(cutLine(img, polygon, baseline), box, JSON.stringify(baseline));
  // A baseline far from its polygon would sweep a band much taller than the line.
  assert.equal(
    straightenLine(img, polygon, [
      [10, 200],
      [50, 200],
    ]),
    null,
  );
});

test('straightenLine falls back to the box cut when its polygon covers no pixel centre (no black line image)', () => {
  const img = page(120, 60, (x, y) => 100 + ((x * 7 + y * 13) % 100));
  for (const polygon of [
    // Coords collapsed onto one row (a zero-area polygon), its baseline 2 px below.
    [
      [10, 20],
      [90, 20],
      [90, 20],
      [10, 20],
    ] as Point[],
    // A sliver between two rows of pixel centres.
    [
      [10, 20.6],
      [90, 20.6],
      [90, 21.4],
      [10, 21.4],
    ] as Point[],
  ]) {
    const baseline: Point[] = [
      [10, polygon[0][1] + 2],
      [90, polygon[0][1] + 2],
    ];
    assert.equal(straightenLine(img, polygon, baseline), null, JSON.stringify(polygon));
    assert.deepEqual(cutLine(img, polygon, baseline), cropLine(img, polygon));
  }
});
