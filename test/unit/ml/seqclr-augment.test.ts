import { test } from 'node:test';
import assert from 'node:assert/strict';
import { augmentView, elasticDistortion, horizontalCrop, PIPELINES, STRONG, type Augmentation } from '../../../main/ml/seqclr/augment.ts';
import type { LineTensor } from '../../../main/ml/line-image.ts';
import { Rng } from '../../../main/ml/random.ts';

/** A line whose column x has intensity (x + 1) / (W + 1): column identity is readable. */
function ramp(width = 120, height = 16): LineTensor {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x + 1) / (width + 1);
  return { width, height, data };
}

test('a horizontal crop is a contiguous, ordered part of the line covering most of it', () => {
  for (let seed = 0; seed < 20; seed++) {
    const src = ramp();
    const out = horizontalCrop(src, new Rng(seed));
    assert.equal(out.width, src.width);
    const row = Array.from(out.data.subarray(8 * out.width, 9 * out.width)).map((v) => v * (src.width + 1) - 1);
    for (let x = 1; x < row.length; x++) assert.ok(row[x] > row[x - 1], `order kept at column ${x} (seed ${seed})`);
    assert.ok(row[row.length - 1] - row[0] >= 0.95 * (src.width - 1) - 1, 'keeps at least ~96 % of the width');
  }
});

test('every augmentation of every pipeline keeps size and value range, and left-to-right order of the line', () => {
  for (const [name, f] of Object.values(PIPELINES).flatMap((p) => p.augmentations)) {
    const src = ramp();
    const out = f(src, new Rng(3));
    assert.equal(out.width, src.width, name);
    assert.equal(out.height, src.height, name);
    assert.ok(
      out.data.every((v) => v >= 0 && v <= 1),
      `${name}: values in [0,1]`,
    );
    // Column means must still increase overall (no mirroring or reordering).
    const mean = (x: number) => {
      let s = 0;
      for (let y = 0; y < out.height; y++) s += out.data[y * out.width + x];
      return s;
    };
    assert.ok(mean(out.width - 10) > mean(10), `${name}: order kept`);
  }
});

test('views are deterministic by seed and differ between seeds, in every pipeline', () => {
  const src = ramp();
  for (const pipeline of Object.values(PIPELINES)) {
    const a = augmentView(src, new Rng(42), 1, pipeline);
    const b = augmentView(src, new Rng(42), 1, pipeline);
    const c = augmentView(src, new Rng(43), 1, pipeline);
    assert.deepEqual(a.data, b.data);
    assert.notDeepEqual(a.data, c.data);
  }
});

test('an elastic distortion moves strokes a little and never swaps columns', () => {
  for (let seed = 0; seed < 20; seed++) {
    const src = ramp(300, 32);
    const out = elasticDistortion(src, new Rng(seed));
    // The middle row stays inside the image whatever the vertical offset; at the two ends a
    // column may read from beyond the line (0, as the paper pads). The rest still increases.
    const row = Array.from(out.data.subarray(16 * out.width, 17 * out.width))
      .map((v, x) => [x, v])
      .filter(([, v]) => v > 0);
    assert.ok(row.length > 0.95 * src.width);
    for (let i = 1; i < row.length; i++) assert.ok(row[i][1] >= row[i - 1][1], `order kept at column ${row[i][0]} (seed ${seed})`);
    const moved = Math.max(...row.map(([x, v]) => Math.abs(v * (src.width + 1) - 1 - x)));
    assert.ok(moved > 0.1 && moved < 0.16 * 32 + 1, `largest shift ${moved.toFixed(2)} px`);
  }
});

test('the strong pipeline applies between one and all of its augmentations, each count about equally often', () => {
  // Count how many were applied by wrapping each augmentation with a counter.
  let applied = 0;
  const counting = {
    ...STRONG,
    augmentations: STRONG.augmentations.map(
      ([n, f, p]) =>
        [
          n,
          ((img, rng) => {
            applied++;
            return f(img, rng);
          }) as Augmentation,
          p,
        ] as const,
    ),
  };
  const counts = new Map<number, number>();
  const src = ramp(40, 8);
  for (let seed = 0; seed < 800; seed++) {
    applied = 0;
    augmentView(src, new Rng(seed), 1, counting);
    counts.set(applied, (counts.get(applied) ?? 0) + 1);
  }
  const n = STRONG.augmentations.length;
  assert.deepEqual(
    [...counts.keys()].sort((x, y) => x - y),
    Array.from({ length: n }, (_, i) => i + 1),
  );
  for (const [k, c] of counts) assert.ok(c > 800 / n / 2, `${k} augmentations ${c} times`);
});
