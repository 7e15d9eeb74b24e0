// Data-parallel gradients (a worker thread computing one shard) must equal the gradient of
// the whole batch computed on one thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { shardGradients, shardInput, splitBatch } from '../../../main/ml/gradients.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { ParallelGradients } from '../../../main/ml/parallel.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';

const backend = await initBackend();

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
    for (const v of variables) {
      const a = whole.grads[v.name].dataSync();
      const b = parallel.grads[v.name].dataSync();
      let worst = 0;
      a.forEach((x, i) => {
        worst = Math.max(worst, Math.abs(x - b[i]) / Math.max(1, Math.abs(x)));
      });
      assert.ok(worst < 1e-3, `${v.name}: relative difference ${worst}`);
    }
    tf.dispose(Object.values(parallel.grads));
  } finally {
    await pool.stop();
  }
});
