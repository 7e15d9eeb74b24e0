// Line segmentation on generated manuscript pages whose true lines are known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sauvola } from '../../../main/layout/binarize.ts';
import { matchLines, polygonIoU } from '../../../main/layout/line-metrics.ts';
import { contains } from '../../../main/layout/polygon.ts';
import { segmentPage } from '../../../main/layout/segment.ts';
import { Rng } from '../../../main/ml/random.ts';
import { synthPage } from '../../../bench/synth/page.ts';

test('polygon IoU: identical 1, disjoint 0, half-shifted squares 1/3', () => {
  const square = (x: number): Array<[number, number]> => [
    [x, 0],
    [x + 10, 0],
    [x + 10, 10],
    [x, 10],
  ];
  assert.equal(polygonIoU(square(0), square(0)), 1);
  assert.equal(polygonIoU(square(0), square(20)), 0);
  assert.ok(Math.abs(polygonIoU(square(0), square(5)) - 1 / 3) < 0.01);
});

test('polygon IoU counts the same grid cells as testing each cell centre with contains()', () => {
  // The reference: the per-point rasterisation that polygonIoU's row crossings replace.
  const reference = (a: Array<[number, number]>, b: Array<[number, number]>, cells = 160) => {
    const xs = [...a, ...b].map((p) => p[0]);
    const ys = [...a, ...b].map((p) => p[1]);
    const step = Math.max((Math.max(...xs) - Math.min(...xs)) / cells, (Math.max(...ys) - Math.min(...ys)) / cells, 1e-9);
    let both = 0;
    let either = 0;
    for (let y = Math.min(...ys) + step / 2; y < Math.max(...ys); y += step) {
      for (let x = Math.min(...xs) + step / 2; x < Math.max(...xs); x += step) {
        const inA = contains(a, x, y);
        const inB = contains(b, x, y);
        if (inA && inB) both++;
        if (inA || inB) either++;
      }
    }
    return either ? both / either : 0;
  };
  const rng = new Rng(3);
  // Wavy line polygons (a top edge left to right, a bottom edge back), some with points on whole pixels.
  const line = (x: number, y: number, n: number): Array<[number, number]> => {
    const top = Array.from({ length: n }, (_, i): [number, number] => [x + i * 10, y + rng.int(-4, 5)]);
    const bottom = Array.from({ length: n }, (_, i): [number, number] => [x + (n - 1 - i) * 10, y + 20 + rng.uniform(-4, 4)]);
    return [...top, ...bottom];
  };
  for (let k = 0; k < 15; k++) {
    const a = line(rng.int(0, 30), rng.int(0, 30), rng.int(2, 30));
    const b = line(rng.int(0, 30), rng.int(0, 30), rng.int(2, 30));
    assert.equal(polygonIoU(a, b), reference(a, b));
    assert.equal(polygonIoU(a, b, 60), reference(a, b, 60));
  }
});

test('Sauvola finds dark strokes on paper whose tone varies across the page', () => {
  const width = 120;
  const height = 60;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const paper = 140 + Math.round(x * 0.9); // 140 … 247: the left paper is darker than light ink on the right
      const stroke = y >= 20 && y < 26 && x % 20 < 12;
      data[y * width + x] = stroke ? paper - 90 : paper;
    }
  }
  const ink = sauvola({ width, height, data }, { window: 31 });
  let wrong = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) if (ink[y * width + x] !== (y >= 20 && y < 26 && x % 20 < 12 ? 1 : 0)) wrong++;
  assert.ok(wrong / (width * height) < 0.01, `${wrong} pixels misclassified`);
});

test('a blank page has no lines', () => {
  const data = new Uint8Array(400 * 300).fill(230);
  assert.deepEqual(segmentPage({ width: 400, height: 300, data }).lines, []);
});

test('finds the lines of generated skewed pages: recall and precision at IoU 0.5 above 0.9, skew within 0.4°', () => {
  let truth = 0,
    found = 0,
    matched = 0;
  for (const seed of [1, 2, 4, 6]) {
    const page = synthPage(seed);
    const result = segmentPage(page.image);
    const m = matchLines(
      result.lines.map((l) => l.polygon),
      page.lines.map((l) => l.polygon),
    );
    truth += m.truth;
    found += m.found;
    matched += m.matched;
    assert.ok(
      Math.abs(result.skewDegrees - page.skewDegrees) < 0.4,
      `page ${seed}: skew ${result.skewDegrees.toFixed(2)}° for ${page.skewDegrees.toFixed(2)}°`,
    );
    for (const l of result.lines) {
      assert.equal(l.baseline.length, 2);
      const ys = l.polygon.map((p) => p[1]);
      // The baseline lies inside the line's vertical extent.
      assert.ok(l.baseline.every(([, y]) => y >= Math.min(...ys) - 2 && y <= Math.max(...ys) + 2));
    }
  }
  assert.ok(matched / truth >= 0.9 && matched / found >= 0.9, `recall ${matched}/${truth}, precision ${matched}/${found}`);
});

test('a large scan is segmented at a reduced size and mapped back to full resolution', () => {
  const page = synthPage(9);
  const f = 3;
  const big = {
    width: page.image.width * f,
    height: page.image.height * f,
    data: new Uint8Array(page.image.width * f * page.image.height * f),
  };
  for (let y = 0; y < big.height; y++)
    for (let x = 0; x < big.width; x++)
      big.data[y * big.width + x] = page.image.data[Math.floor(y / f) * page.image.width + Math.floor(x / f)];
  const result = segmentPage(big);
  const truth = page.lines.map((l) => l.polygon.map(([x, y]) => [x * f, y * f] as [number, number]));
  const m = matchLines(
    result.lines.map((l) => l.polygon),
    truth,
  );
  assert.ok(m.recall >= 0.9 && m.precision >= 0.9, JSON.stringify(m));
});
