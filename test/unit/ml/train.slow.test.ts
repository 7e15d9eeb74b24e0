// Training smoke test on real (generated) handwriting: a small model's CTC loss must fall
// by at least half within a few hundred steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../main/ml/backend.ts';
import { ArraySource } from '../../../main/ml/data.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { train } from '../../../main/ml/train.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';

await initBackend();

test('a small recognizer learns generated lines: loss falls by half in 300 steps', async () => {
  const codec = tinyCodec();
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 3);
  const lines = tinyLines(96);
  const result = await train(
    model,
    codec,
    { train: new ArraySource(lines), validation: lines.slice(0, 32) },
    {
      steps: 300,
      batchSize: 8,
      learningRate: 3e-3,
      warmupSteps: 30,
      validateEvery: 300,
      patience: 0,
      checkpointEvery: 0,
      seed: 5,
    },
  );
  const losses = result.state.history.map((h) => h.loss);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(losses.slice(0, 20));
  const last = mean(losses.slice(-20));
  assert.ok(last < first / 2, `loss went from ${first.toFixed(3)} to ${last.toFixed(3)}`);
  assert.ok(result.validation && result.validation.cer <= 1, 'validation ran');
  model.dispose();
});
