// Each wasm training kernel against the reference cpu backend on small random inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { setPatchBudget } from '../../../main/ml/wasm-kernels.ts';
import { randomArray } from '../../../main/ml/random.ts';

await initBackend('wasm');

async function onBoth(fn: () => tf.Tensor[]): Promise<{ wasm: Float32Array[]; cpu: Float32Array[] }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const out = tf.tidy(fn);
    const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(out);
    return data;
  };
  const wasm = await run('wasm');
  const cpu = await run('cpu');
  await tf.setBackend('wasm');
  return { wasm, cpu };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function assertClose(r: { wasm: Float32Array[]; cpu: Float32Array[] }, tol = 1e-4) {
  r.wasm.forEach((w, i) => {
    const d = maxAbsDiff(w, r.cpu[i]);
    assert.ok(d < tol, `output ${i}: max abs diff ${d} ≥ ${tol}`);
  });
}

const t = (shape: number[], seed: number) =>
  tf.tensor(
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );

for (const [name, pad, stride] of [
  ['same', 'same', 1],
  ['valid', 'valid', 1],
  ['same stride 2', 'same', 2],
  [
    'explicit',
    [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
    1,
  ],
] as const) {
  test(`conv2d gradients match cpu (${name})`, async () => {
    const r = await onBoth(() => {
      const x = t([2, 7, 9, 3], 1) as tf.Tensor4D;
      const f = t([3, 3, 3, 4], 2) as tf.Tensor4D;
      const loss = (x: tf.Tensor, f: tf.Tensor) => {
        const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad as never);
        return tf.sum(tf.mul(y, t(y.shape, 3)));
      };
      return tf.grads(loss)([x, f]);
    });
    assertClose(r);
  });
}

test('conv2d gradients match cpu for a 5×3 kernel with many channels', async () => {
  const r = await onBoth(() => {
    const loss = (x: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), t([3, 8, 16, 6], 6)));
    return tf.grads(loss)([tf.mul(t([3, 8, 16, 17], 4), 0.1), tf.mul(t([5, 3, 17, 6], 5), 0.1)]);
  });
  assertClose(r);
});

for (const [ta, tb] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
]) {
  test(`matMul with transposeA=${ta} transposeB=${tb} matches cpu, with gradients`, async () => {
    const r = await onBoth(() => {
      const a = t(ta ? [5, 4] : [4, 5], 6);
      const b = t(tb ? [3, 5] : [5, 3], 7);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb), t([4, 3], 8)));
      return [tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb), ...tf.grads(loss)([a, b])];
    });
    assertClose(r);
  });
}

test('batched matMul (batch 3, broadcast-free) matches cpu, with gradients', async () => {
  const r = await onBoth(() => {
    const a = t([3, 4, 5], 9);
    const b = t([3, 5, 2], 10);
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D)));
    return [tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D), ...tf.grads(loss)([a, b])];
  });
  assertClose(r);
});

test('conv2d filter gradient in chunks of lines (a small im2col budget) matches cpu', async () => {
  // 7 lines of 6×9 output pixels × 27 patch values: a budget of 3 lines' patches gives
  // chunks of 3, 3 and 1 line.
  setPatchBudget(3 * 6 * 9 * 27);
  try {
    const x = t([7, 6, 9, 3], 31);
    const f = t([3, 3, 3, 5], 32);
    const w = t([7, 6, 9, 5], 33);
    assertClose(
      await onBoth(() =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), w)))([x, f]),
      ),
    );
  } finally {
    setPatchBudget(4 * 1024 * 1024);
  }
});

// Slice, SplitV and Unpack read the input through a heap view (wasm-slice.ts): every
// layout of cut must give the cpu backend's values, int32 included.
for (const [name, shape, begin, size] of [
  ['rows of a matrix', [7, 5], [2, 0], [3, 5]],
  ['columns of a matrix', [7, 5], [1, 2], [4, 2]],
  ['inner block of rank 4', [3, 4, 5, 6], [1, 1, 2, 0], [2, 2, 3, 6]],
  ['middle axis of rank 3', [4, 6, 3], [0, 2, 0], [4, 3, 3]],
  ['everything', [2, 3, 4], [0, 0, 0], [2, 3, 4]],
  ['a scalar block', [3, 3], [2, 1], [1, 1]],
] as const) {
  test(`slice matches cpu (${name})`, async () => {
    const r = await onBoth(() => {
      const x = t([...shape], 40);
      return [tf.slice(x, [...begin], [...size]), tf.cast(tf.slice(tf.cast(tf.mul(x, 100), 'int32'), [...begin], [...size]), 'float32')];
    });
    assertClose(r, 1e-9);
  });
}

test('split and unstack match cpu on every axis, with gradients', async () => {
  const r = await onBoth(() => {
    const x = t([4, 6, 5], 41);
    const outs: tf.Tensor[] = [];
    for (const axis of [0, 1, 2]) {
      outs.push(...tf.split(x, axis === 1 ? [1, 2, 3] : x.shape[axis] === 4 ? 2 : [2, 3], axis));
      outs.push(...tf.unstack(x, axis));
    }
    const w = t([4, 3, 5], 42);
    const loss = (a: tf.Tensor) => tf.sum(tf.mul(tf.split(a, [3, 3], 1)[1], w));
    return [...outs, tf.grad(loss)(x)];
  });
  assertClose(r, 1e-9);
});

// MaxPoolGrad (wasm-pool.ts) for windows that tile the input, and the original kernel for
// overlapping ones. For tiles, values are rounded to tenths and passed through a ReLU so
// that many windows hold ties: the gradient must go to the first maximum in scan order, as
// on cpu. (The original kernel breaks ties differently, so its case has none.)
for (const [name, size, stride, ties] of [
  ['2×2 tiles, ties', [2, 2], [2, 2], true],
  ['2×1 tiles, ties', [2, 1], [2, 1], true],
  ['3×3 overlapping, original kernel', [3, 3], [2, 2], false],
] as const) {
  test(`maxPool gradient matches cpu (${name})`, async () => {
    const r = await onBoth(() => {
      const raw = t([3, 8, 10, 5], 50);
      const x = ties ? tf.relu(tf.div(tf.round(tf.mul(raw, 10)), 10)) : raw;
      const loss = (a: tf.Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, [...size], [...stride], 'valid');
        return tf.sum(tf.mul(y, t(y.shape, 51)));
      };
      return [tf.grad(loss)(x)];
    });
    // Overlapping windows sum several gradients into one pixel, in another order than cpu.
    assertClose(r, 1e-6);
  });
}
