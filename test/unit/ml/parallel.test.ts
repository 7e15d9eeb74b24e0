// Data-parallel gradients (a worker thread computing one shard) must equal the gradient of
// the whole batch computed on one thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { microBatches, shardGradients, shardInput, splitBatch } from '../../../main/ml/gradients.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { ParallelGradients } from '../../../main/ml/parallel.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';

const backend = await initBackend();

/** Every variable's gradient in `got` equals `ref`'s, relative to max(1, |ref|), within `tolerance`. */
function assertSameGradients(variables: tf.Variable[], ref: tf.NamedTensorMap, got: tf.NamedTensorMap, tolerance: number): void {
  for (const v of variables) {
    const a = ref[v.name].dataSync();
    const b = got[v.name].dataSync();
    let worst = 0;
    a.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(x - b[i]) / Math.max(1, Math.abs(x)));
    });
    assert.ok(worst < tolerance, `${v.name}: relative difference ${worst}`);
  }
}

test('two threads give the same loss and gradients as one', async () => {
  const codec = tinyCodec();
  const model = new Recognizer({ ...TINY, dropout: 0, classes: codec.classes }, 4);
  const lines = tinyLines(6, 11).sort((a, b) => a.image.width - b.image.width);
  const variables = model.variables();
  const whole = shardGradients(model, variables, shardInput(lines, model.config, codec), 1, 1 / lines.length);
  const pool = await ParallelGradients.start({ kind: 'recognizer', config: model.config }, backend.name, 2);
  try {
    const shards = splitBatch(lines, 2).map((s) => shardInput(s, model.config, codec));
    assert.equal(shards.length, 2);
    const parallel = await pool.compute(model, variables, shards, 1, 1 / lines.length);
    assert.ok(Math.abs(parallel.loss - whole.value.dataSync()[0]) < 1e-4, `loss ${parallel.loss} vs ${whole.value.dataSync()[0]}`);
    assertSameGradients(variables, whole.grads, parallel.grads, 1e-3);
    tf.dispose(Object.values(parallel.grads));
  } finally {
    await pool.stop();
  }
});

test('a shard above the pixel budget runs as micro-batches with the same loss and gradients as one pass', () => {
  const codec = tinyCodec();
  const model = new Recognizer({ ...TINY, dropout: 0, classes: codec.classes }, 4);
  const lines = tinyLines(5, 12).sort((a, b) => a.image.width - b.image.width);
  const variables = model.variables();
  const input = shardInput(lines, model.config, codec);
  const [, H, W] = input.shape;
  // Two lines per pass: three micro-batches (2, 2, 1).
  assert.deepEqual(
    microBatches(input, 2 * H * W).map((m) => m.shape[0]),
    [2, 2, 1],
  );
  const whole = shardGradients(model, variables, input, 1, 1 / lines.length, Infinity);
  const micro = shardGradients(model, variables, input, 1, 1 / lines.length, 2 * H * W);
  const a = whole.value.dataSync()[0];
  const b = micro.value.dataSync()[0];
  assert.ok(Math.abs(a - b) < 1e-5 * Math.max(1, Math.abs(a)), `loss ${a} vs ${b}`);
  assertSameGradients(variables, whole.grads, micro.grads, 1e-4);
  tf.dispose([whole.value, micro.value, whole.grads, micro.grads]);
  model.dispose();
});
