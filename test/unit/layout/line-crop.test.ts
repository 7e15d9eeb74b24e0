import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import { contains, polygonMask } from '../../../main/layout/polygon.ts';
import { cropLine } from '../../../main/layout/line-crop.ts';
import { Rng } from '../../../main/ml/random.ts';

test('polygonMask marks exactly the pixels whose centre contains() puts inside, on random polygons', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 40; trial++) {
    // Star-shaped polygons with 3–30 points, some concave, some with fractional coordinates
    // and points on pixel centres, so the half-open boundary rules are exercised.
    const n = 3 + Math.floor(rng.next() * 28);
    const cx = 20 + rng.next() * 10;
    const cy = 15 + rng.next() * 10;
    const poly: Point[] = Array.from({ length: n }, (_, i) => {
      const a = (2 * Math.PI * i) / n;
      const r = 3 + rng.next() * 14;
      const snap = trial % 2 === 0 ? (v: number) => Math.round(v) + 0.5 : (v: number) => v;
      return [snap(cx + r * Math.cos(a)), snap(cy + r * Math.sin(a))];
    });
    const [x0, y0, w, h] = [3, 1, 40, 36];
    const mask = polygonMask(poly, x0, y0, w, h);
    let inside = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const expected = contains(poly, x0 + x + 0.5, y0 + y + 0.5) ? 1 : 0;
        assert.equal(mask[y * w + x], expected, `trial ${trial}, pixel ${x},${y}`);
        inside += expected;
      }
    }
    assert.ok(inside > 0, `trial ${trial}: the polygon covers pixels`);
  }
});

test('cropLine paints outside the polygon in the line paper tone and clips to the page', () => {
  // A 6×4 page, three channels; gray values 100 + index, the first channel counts.
  const width = 6,
    height = 4,
    channels = 3;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) data[i * channels] = 100 + i;
  // A triangle covering the top-left half of the box (1,0)–(5,4), then a box past the edge.
  const triangle = cropLine({ width, height, channels, data }, [
    [1, 0],
    [5, 0],
    [1, 4],
  ])!;
  assert.deepEqual([triangle.width, triangle.height], [4, 4]);
  const insideMax = Math.max(
    ...[...triangle.data]
      .filter((_, i) =>
        contains(
          [
            [1, 0],
            [5, 0],
            [1, 4],
          ],
          1 + (i % 4) + 0.5,
          Math.floor(i / 4) + 0.5,
        ),
      )
      .map((v) => v),
  );
  // Bottom-right pixel (4,3) lies outside: painted with the brightest inside value.
  assert.equal(triangle.data[3 * 4 + 3], insideMax);
  assert.equal(triangle.data[0], 101); // (1,0) is inside and keeps its pixel
  const clipped = cropLine({ width, height, channels, data }, [
    [4, 2],
    [9, 2],
    [9, 9],
    [4, 9],
  ])!;
  assert.deepEqual([clipped.width, clipped.height], [2, 2]);
  assert.deepEqual([...clipped.data], [100 + 2 * 6 + 4, 100 + 2 * 6 + 5, 100 + 3 * 6 + 4, 100 + 3 * 6 + 5]);
  assert.equal(
    cropLine({ width, height, channels, data }, [
      [10, 10],
      [12, 10],
      [12, 12],
      [10, 12],
    ]),
    null,
  );
});

test('cropLine keeps the box’s pixels when the polygon covers no pixel centre (never a black line)', () => {
  const width = 8,
    height = 4;
  const data = new Uint8Array(width * height).map((_, i) => 100 + i);
  // Two points, or three on one slanted line: zero area, so no pixel centre lies inside.
  for (const polygon of [
    [
      [1, 1],
      [5, 2],
    ],
    [
      [1, 1],
      [3, 1.5],
      [5, 2],
    ],
  ] as Point[][]) {
    const crop = cropLine({ width, height, channels: 1, data }, polygon)!;
    assert.deepEqual([crop.width, crop.height], [4, 1]);
    assert.deepEqual([...crop.data], [109, 110, 111, 112], JSON.stringify(polygon));
  }
});
