// The two-pass gradient path (for backends without synchronous reads, WebGPU in Node) must
// give the one-pass path's loss and gradients, including line weights and dropout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { shardGradients, shardGradientsAsync, shardInput } from '../../../main/ml/gradients.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';

await initBackend('wasm');

test('shardGradientsAsync equals shardGradients (weights, padding, dropout)', async () => {
  const codec = tinyCodec();
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 9);
  const samples = tinyLines(3, 31).map((s, i) => ({ ...s, weight: [1, 0.5, 2][i] }));
  const input = shardInput(samples, model.config, codec);
  const variables = model.variables();
  const one = shardGradients(model, variables, input, 17, 1 / 3);
  const two = await shardGradientsAsync(model, variables, input, 17, 1 / 3);
  const loss = one.value.dataSync()[0];
  assert.ok(Math.abs(two.loss - loss) < 1e-4 * loss, `loss ${two.loss} vs ${loss}`);
  for (const v of variables) {
    const a = one.grads[v.name].dataSync();
    const b = two.grads[v.name].dataSync();
    const scale = Math.max(1e-6, ...Array.from(a, Math.abs));
    a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-4 * scale, `${v.name}[${i}]: ${b[i]} vs ${x}`));
  }
  tf.dispose([one.value, one.grads, two.grads]);
});

test('shardGradientsAsync leaves no tensor behind but the gradients it returns', async () => {
  const codec = tinyCodec();
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 9);
  const input = shardInput(tinyLines(2, 5), model.config, codec);
  const variables = model.variables();
  const before = tf.memory().numTensors;
  const { grads } = await shardGradientsAsync(model, variables, input, 3, 1 / 2);
  assert.equal(tf.memory().numTensors - before, variables.length, 'one gradient tensor per variable, nothing else');
  tf.dispose(grads);
  assert.equal(tf.memory().numTensors, before);
});
