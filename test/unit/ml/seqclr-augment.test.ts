import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUGMENTATIONS, augmentView, horizontalCrop } from '../../../main/ml/seqclr/augment.ts';
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

test('every augmentation keeps size and value range, and left-to-right order of the line', () => {
  for (const [name, f] of AUGMENTATIONS) {
    const src = ramp();
    const out = f(src, new Rng(3));
    assert.equal(out.width, src.width, name);
    assert.equal(out.height, src.height, name);
    assert.ok(out.data.every((v) => v >= 0 && v <= 1), `${name}: values in [0,1]`);
    // Column means must still increase overall (no mirroring or reordering).
    const mean = (x: number) => { let s = 0; for (let y = 0; y < out.height; y++) s += out.data[y * out.width + x]; return s; };
    assert.ok(mean(out.width - 10) > mean(10), `${name}: order kept`);
  }
});

test('views are deterministic by seed and differ between seeds', () => {
  const src = ramp();
  const a = augmentView(src, new Rng(42));
  const b = augmentView(src, new Rng(42));
  const c = augmentView(src, new Rng(43));
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, c.data);
});
