// The conv+bias+ReLU op against tfjs's own composition (tf.fused.conv2d, differentiated by
// the tape), on the wasm backend with Quire's kernels and on the cpu reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { convBiasRelu } from '../../../main/ml/conv-block.ts';
import { randomArray } from '../../../main/ml/random.ts';

await initBackend('wasm');

const t = (shape: number[], seed: number) =>
  tf.tensor(
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );

for (const backend of ['wasm', 'cpu']) {
  test(`convBiasRelu matches tf.fused.conv2d in values and gradients (${backend})`, async () => {
    await tf.setBackend(backend);
    try {
      const x = t([3, 6, 10, 4], 1) as tf.Tensor4D;
      const f = t([3, 3, 4, 5], 2) as tf.Tensor4D;
      const b = t([5], 3) as tf.Tensor1D;
      const w = t([3, 6, 10, 5], 4);
      const ours = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(convBiasRelu(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D), w));
      const theirs = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({ x: a as tf.Tensor4D, filter: c as tf.Tensor4D, bias: d, strides: 1, pad: 'same', activation: 'relu' }),
            w,
          ),
        );
      const y1 = await convBiasRelu(x, f, b).data();
      const y2 = await tf.fused.conv2d({ x, filter: f, bias: b, strides: 1, pad: 'same', activation: 'relu' }).data();
      assert.ok(y1.some((v) => v === 0) && y1.some((v) => v > 0), 'the ReLU is active on part of the output');
      y1.forEach((v, i) => assert.ok(Math.abs(v - y2[i]) < 1e-5, `y[${i}]`));
      const g1 = tf.grads(ours)([x, f, b]);
      const g2 = tf.grads(theirs)([x, f, b]);
      for (let k = 0; k < 3; k++) {
        const a = await g1[k].data();
        const c = await g2[k].data();
        a.forEach((v, i) => assert.ok(Math.abs(v - c[i]) < 1e-4, `gradient ${k}[${i}]: ${v} vs ${c[i]}`));
      }
      // Without the input gradient (the image), the weights' gradients are unchanged.
      const g3 = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(convBiasRelu(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D, false), w)),
      )([x, f, b]);
      assert.ok((await g3[0].data()).every((v) => v === 0));
      for (let k = 1; k < 3; k++) assert.deepEqual(await g3[k].data(), await g1[k].data());
    } finally {
      await tf.setBackend('wasm');
    }
  });
}
