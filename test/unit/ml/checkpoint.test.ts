// Model files round-trip exactly, reject foreign or damaged files with the file name, and
// a run resumed from a checkpoint continues exactly where an uninterrupted run would be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { currentBackend, initBackend } from '../../../main/ml/backend.ts';
import { loadModel, loadTrainingCheckpoint, saveModel, saveTrainingCheckpoint, sha256File } from '../../../main/ml/checkpoint.ts';
import { ArraySource } from '../../../main/ml/data.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { train, type TrainState } from '../../../main/ml/train.ts';
import { evaluateLines } from '../../../main/ml/line-reader.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';
import { tempDir } from '../../helpers/project.ts';

await initBackend();
const codec = tinyCodec();

async function weightsOf(model: Recognizer): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [k, v] of model.weights) out.set(k, (await v.data()) as Float32Array);
  return out;
}

test('save and load give back the same weights, charset and metrics, and the hash of the file', async () => {
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 11);
  const file = join(tempDir(), 'm.qmodel');
  const hash = saveModel(file, model, codec, { cer: 0.25 });
  assert.equal(hash, sha256File(file));
  const loaded = loadModel(file);
  assert.deepEqual(loaded.codec.chars, codec.chars);
  assert.deepEqual(loaded.header.metrics, { cer: 0.25 });
  const a = await weightsOf(model);
  const b = await weightsOf(loaded.model);
  for (const [k, v] of a) assert.deepEqual(b.get(k), v, k);
});

test('a file that is not a model, or is cut short, is refused with its name and the reason', () => {
  const dir = tempDir();
  const junk = join(dir, 'junk.qmodel');
  writeFileSync(junk, 'hello world, not a model at all');
  assert.throws(() => loadModel(junk), /junk\.qmodel: not a Quire model file \(bad magic bytes\)/);
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 1);
  const good = join(dir, 'good.qmodel');
  saveModel(good, model, codec);
  const bytes = readFileSync(good);
  const cut = join(dir, 'cut.qmodel');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
  assert.throws(() => loadModel(cut), /cut\.qmodel: .*truncated/);
});

test('resuming from a checkpoint reproduces the uninterrupted run exactly', async () => {
  const lines = tinyLines(24, 3);
  const opts = { batchSize: 4, learningRate: 2e-3, warmupSteps: 2, validateEvery: 0, patience: 0, seed: 9 };
  const straight = new Recognizer({ ...TINY, classes: codec.classes }, 21);
  await train(straight, codec, { train: new ArraySource(lines) }, { ...opts, steps: 12, checkpointEvery: 0 });

  const file = join(tempDir(), 'ckpt.qmodel');
  const first = new Recognizer({ ...TINY, classes: codec.classes }, 21);
  let saved: TrainState | undefined;
  const controller = new AbortController();
  const r1 = await train(
    first,
    codec,
    { train: new ArraySource(lines) },
    {
      ...opts,
      steps: 12,
      checkpointEvery: 6,
      signal: controller.signal,
      onCheckpoint: (state) => {
        saveTrainingCheckpoint(file, first, codec, state);
        saved = state;
        controller.abort(); // stop right after the first checkpoint, as a crash would
      },
    },
  );
  assert.equal(r1.status, 'cancelled');
  assert.equal(saved?.step, 6);

  const restored = loadTrainingCheckpoint(file);
  const r2 = await train(
    restored.model,
    codec,
    { train: new ArraySource(lines) },
    { ...opts, steps: 12, checkpointEvery: 0, resume: restored.state },
  );
  assert.equal(r2.state.step, 12);
  assert.deepEqual(
    r2.state.history.map((h) => h.step),
    [...Array(12).keys()].map((i) => i + 1),
    'no repeated or lost steps',
  );
  const a = await weightsOf(straight);
  const b = await weightsOf(restored.model);
  for (const [k, v] of a) {
    const w = b.get(k)!;
    let worst = 0;
    v.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(x - w[i]));
    });
    assert.ok(worst < 1e-5, `${k} differs by ${worst}`);
  }
});

test('the best validation weights travel in the checkpoint, and a resumed run ends on them', async () => {
  const lines = tinyLines(8, 5);
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 3);
  const other = new Recognizer({ ...TINY, classes: codec.classes }, 4);
  const file = join(tempDir(), 'best.qmodel');
  // A run that found its best weights (here: another network's, so they differ from the
  // current ones) before the checkpoint, and is killed after it.
  await train(
    model,
    codec,
    { train: new ArraySource(lines) },
    {
      steps: 2,
      batchSize: 4,
      validateEvery: 0,
      patience: 0,
      checkpointEvery: 2,
      onCheckpoint: (state) => {
        saveTrainingCheckpoint(file, model, codec, { ...state, bestCer: 0.5, sinceBest: 1, best: other.weights });
      },
    },
  );
  const restored = loadTrainingCheckpoint(file);
  assert.deepEqual([...restored.state.best!.keys()], [...model.weights.keys()]);
  for (const [k, v] of other.weights) assert.deepEqual(restored.state.best!.get(k)!.dataSync(), v.dataSync(), k);
  // Nothing is left to train: the run ends, restoring its best weights, as the uninterrupted one would have.
  const r = await train(
    restored.model,
    codec,
    { train: new ArraySource(lines), validation: lines },
    { steps: 2, batchSize: 4, validateEvery: 1, patience: 0, checkpointEvery: 0, resume: restored.state },
  );
  assert.equal(r.status, 'done');
  const [got, want] = [await weightsOf(restored.model), await weightsOf(other)];
  for (const [k, v] of want) assert.deepEqual(got.get(k), v, `${k} is the best weights' value`);
  // Its report is of those weights (checked in an earlier sitting), not of the last check's.
  assert.deepEqual(r.validation, await evaluateLines(other, codec, currentBackend()!.name, lines, 1));
});

test("the run's report is of the weights it ends with (the best check's), not of its last check", async () => {
  const lines = tinyLines(8, 7);
  // Checked against empty texts: the network reads nothing at first (its blank favoured: CER 0),
  // then, spoilt after the first check (the blank suppressed), letters: the last check is worse than the best.
  const validation = lines.map((l) => ({ ...l, text: '' }));
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 8);
  const blankBias = (b: number) => model.weights.get('head/bias')!.assign(tf.tensor1d([b, ...Array(codec.classes - 1).fill(0)]));
  blankBias(20);
  const checks: number[] = [];
  const r = await train(
    model,
    codec,
    { train: new ArraySource(lines), validation },
    {
      steps: 2,
      batchSize: 4,
      learningRate: 1e-5,
      validateEvery: 1,
      patience: 0,
      checkpointEvery: 0,
      onProgress: (p) => {
        if (p.validation) checks.push(p.validation.cer);
        if (p.step === 1) blankBias(-20);
      },
    },
  );
  assert.ok(checks[1] > checks[0], `the last check (${checks}) must be worse than the first for this test to mean anything`);
  assert.equal(r.validation!.cer, checks[0]);
  assert.deepEqual(r.validation, await evaluateLines(model, codec, currentBackend()!.name, validation, 1));
});

test("checkpoints do not leak tensors: the copies of Adam's moments are freed after each call", async () => {
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 6);
  const lines = tinyLines(8, 2);
  const before = tf.memory().numTensors;
  let calls = 0;
  await train(
    model,
    codec,
    { train: new ArraySource(lines) },
    {
      steps: 6,
      batchSize: 4,
      validateEvery: 0,
      patience: 0,
      checkpointEvery: 1,
      onCheckpoint: () => {
        calls++;
      },
    },
  );
  assert.equal(calls, 6);
  // tfjs hands out Adam's step counter as a fresh scalar each time; the moments (two per variable) must not stay.
  const left = tf.memory().numTensors - before;
  assert.ok(left <= calls, `${left} tensors left after ${calls} checkpoints (${model.variables().length} variables)`);
  model.dispose();
});

test('a run that diverges fails with the reason, and leaves no tensors behind (nor its best weights)', async () => {
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 7);
  const lines = tinyLines(8, 2);
  const before = tf.memory().numTensors;
  // Images of NaN: every step's loss is NaN, while validation (every step) keeps a best copy.
  const poisoned = (image: { width: number; height: number; data: Float32Array }) => ({ ...image, data: image.data.map(() => NaN) });
  await assert.rejects(
    train(
      model,
      codec,
      { train: new ArraySource(lines), validation: lines.slice(0, 2) },
      { steps: 10, batchSize: 4, validateEvery: 1, patience: 0, checkpointEvery: 0, augment: poisoned },
    ),
    /training diverged: the loss or its gradients were not finite for 5 steps in a row/,
  );
  assert.equal(tf.memory().numTensors - before, 0);
  model.dispose();
});
