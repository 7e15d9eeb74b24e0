// The fused LSTM against a reference built from tfjs ops with autograd, on padded batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { lstmFused } from '../../../main/ml/lstm-fused.ts';
import { lstmOps } from '../../../main/ml/lstm-ops.ts';
import { frameMask } from '../../../main/ml/model.ts';
import { randomArray } from '../../../main/ml/random.ts';
import { lstmDirection } from '../../helpers/lstm-reference.ts';

await initBackend('wasm');

const N = 3,
  T = 7,
  F = 5,
  U = 4;
const t = (shape: number[], seed: number, scale = 0.5) =>
  tf.tensor(
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
      scale,
    ),
    shape,
  );

for (const reverse of [false, true]) {
  test(`fused LSTM matches the autograd reference (${reverse ? 'right-to-left' : 'left-to-right'}, padded)`, async () => {
    const x = t([N, T, F], 1) as tf.Tensor3D;
    const kernel = t([F, 4 * U], 2) as tf.Tensor2D;
    const recurrent = t([U, 4 * U], 3) as tf.Tensor2D;
    const bias = t([4 * U], 4) as tf.Tensor1D;
    const mask = frameMask([7, 5, 2], T);
    const weight = t([N, T, U], 5, 1);
    const fused = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(lstmFused(a as tf.Tensor3D, mask, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, reverse), weight));
    const reference = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(lstmDirection(a as tf.Tensor3D, mask, { kernel: b, recurrent: c, bias: d } as never, reverse), weight));
    const outF = await lstmFused(x, mask, kernel, recurrent, bias, reverse).data();
    const outR = await lstmDirection(x, mask, { kernel, recurrent, bias } as never, reverse).data();
    outF.forEach((v, i) => assert.ok(Math.abs(v - outR[i]) < 1e-5, `output ${i}: ${v} vs ${outR[i]}`));
    const gF = tf.grads(fused)([x, kernel, recurrent, bias]);
    const gR = tf.grads(reference)([x, kernel, recurrent, bias]);
    for (let k = 0; k < 4; k++) {
      const a = await gF[k].data();
      const b = await gR[k].data();
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-4, `gradient ${k}[${i}]: ${v} vs ${b[i]}`));
    }
  });
}

// lstmOps is what the model runs where the fused op cannot (WebGPU in Node).
for (const reverse of [false, true]) {
  test(`op-by-op LSTM matches the fused one (${reverse ? 'right-to-left' : 'left-to-right'}, padded)`, async () => {
    const x = t([N, T, F], 11) as tf.Tensor3D;
    const args = [t([F, 4 * U], 12), t([U, 4 * U], 13), t([4 * U], 14)] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const mask = frameMask([7, 4, 1], T);
    const weight = t([N, T, U], 15, 1);
    const loss = (cell: typeof lstmFused) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(cell(a as tf.Tensor3D, mask, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, reverse), weight));
    const outO = await lstmOps(x, mask, ...args, reverse).data();
    const outF = await lstmFused(x, mask, ...args, reverse).data();
    outO.forEach((v, i) => assert.ok(Math.abs(v - outF[i]) < 1e-5, `output ${i}: ${v} vs ${outF[i]}`));
    const gO = tf.grads(loss(lstmOps))([x, ...args]);
    const gF = tf.grads(loss(lstmFused))([x, ...args]);
    for (let k = 0; k < 4; k++) {
      const a = await gO[k].data();
      const b = await gF[k].data();
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-4, `gradient ${k}[${i}]: ${v} vs ${b[i]}`));
    }
  });
}

test('padding neither changes the right-to-left pass over real frames nor gets outputs', async () => {
  const x = t([1, 5, F], 7) as tf.Tensor3D;
  const args = [t([F, 4 * U], 8), t([U, 4 * U], 9), t([4 * U], 10)] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
  const full = await lstmFused(tf.slice(x, [0, 0, 0], [1, 3, F]) as tf.Tensor3D, frameMask([3], 3), ...args, true).data();
  const padded = await lstmFused(x, frameMask([3], 5), ...args, true).data();
  for (let i = 0; i < 3 * U; i++) assert.ok(Math.abs(full[i] - padded[i]) < 1e-6);
  for (let i = 3 * U; i < 5 * U; i++) assert.equal(Math.abs(padded[i]), 0);
});
