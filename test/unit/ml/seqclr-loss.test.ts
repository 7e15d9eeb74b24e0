// NT-Xent against a direct double loop over the paper's formula, its gradient against
// finite differences, and instance mapping on padded batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { ntXent } from '../../../main/ml/seqclr/ntxent.ts';
import { instanceCount, mapInstances } from '../../../main/ml/seqclr/instances.ts';
import { randomArray } from '../../../main/ml/random.ts';

await initBackend('wasm');

function referenceLoss(a: number[][], b: number[][], tau: number): number {
  const z = [...a, ...b];
  const M = a.length;
  const cos = (u: number[], v: number[]) => {
    const dot = u.reduce((s, x, i) => s + x * v[i], 0);
    return dot / (Math.hypot(...u) * Math.hypot(...v));
  };
  let total = 0;
  for (let i = 0; i < 2 * M; i++) {
    const pos = i < M ? i + M : i - M;
    let denom = 0;
    for (let j = 0; j < 2 * M; j++) if (j !== i) denom += Math.exp(cos(z[i], z[j]) / tau);
    total += -Math.log(Math.exp(cos(z[i], z[pos]) / tau) / denom);
  }
  return total / (2 * M);
}

const rows = (data: Float32Array, M: number, F: number) =>
  Array.from({ length: M }, (_, i) => Array.from(data.subarray(i * F, (i + 1) * F)));

test('NT-Xent equals the double-loop formula on random instances', () => {
  for (const [M, F, tau] of [
    [3, 4, 0.5],
    [7, 16, 0.1],
    [12, 5, 1],
  ]) {
    const a = randomArray(M * F, M);
    const b = randomArray(M * F, M + 100);
    const got = ntXent(tf.tensor2d(a, [M, F]), tf.tensor2d(b, [M, F]), tau).dataSync()[0];
    const want = referenceLoss(rows(a, M, F), rows(b, M, F), tau);
    assert.ok(Math.abs(got - want) < 1e-4 * Math.max(1, want), `M=${M}: ${got} vs ${want}`);
  }
});

test('NT-Xent gradient agrees with central finite differences', () => {
  const M = 4,
    F = 3,
    tau = 0.5,
    h = 1e-3;
  const a = randomArray(M * F, 1);
  const b = randomArray(M * F, 2);
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => ntXent(x as tf.Tensor2D, y as tf.Tensor2D, tau))([
    tf.tensor2d(a, [M, F]),
    tf.tensor2d(b, [M, F]),
  ]);
  const analytic = [ga.dataSync(), gb.dataSync()];
  for (const [view, data] of [
    [0, a],
    [1, b],
  ] as const) {
    for (const i of [0, 5, 11]) {
      const plus = Float64Array.from(data);
      plus[i] += h;
      const minus = Float64Array.from(data);
      minus[i] -= h;
      const f = (d: Float64Array) =>
        view === 0
          ? referenceLoss(rows(Float32Array.from(d), M, F), rows(b, M, F), tau)
          : referenceLoss(rows(a, M, F), rows(Float32Array.from(d), M, F), tau);
      const numeric = (f(plus) - f(minus)) / (2 * h);
      assert.ok(Math.abs(numeric - analytic[view][i]) < 2e-3, `view ${view} [${i}]: ${numeric} vs ${analytic[view][i]}`);
    }
  }
});

test('identical views with distinct instances give a lower loss than unrelated views', () => {
  const a = tf.tensor2d(randomArray(8 * 6, 5), [8, 6]);
  const same = ntXent(a, a, 0.2).dataSync()[0];
  const other = ntXent(a, tf.tensor2d(randomArray(8 * 6, 6), [8, 6]), 0.2).dataSync()[0];
  assert.ok(same < other);
});

test('instance mapping: all, window and frame, padding never forms an instance', async () => {
  // Line 0 has 4 real frames, line 1 has 2 (then padding filled with 100s that must not leak).
  const P = tf.tensor3d([
    [[1], [2], [3], [4]],
    [[10], [20], [100], [100]],
  ]);
  const lengths = [4, 2];
  assert.deepEqual(await mapInstances(P, lengths, { kind: 'all' }).data(), Float32Array.from([2.5, 15]));
  assert.deepEqual(await mapInstances(P, lengths, { kind: 'window', instances: 2 }).data(), Float32Array.from([1.5, 3.5, 10, 20]));
  assert.deepEqual(await mapInstances(P, lengths, { kind: 'frame' }).data(), Float32Array.from([1, 2, 3, 4, 10, 20]));
  assert.equal(instanceCount(lengths, { kind: 'window', instances: 5 }), 10);
  assert.equal(instanceCount(lengths, { kind: 'frame' }), 6);
});
