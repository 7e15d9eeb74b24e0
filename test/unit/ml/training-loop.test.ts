// The training loop on a fake trainer (a quadratic loss of three weights, no network): the
// schedule, clipping, checkpoints that resume into the same run, a cancel that leaves a
// resumable checkpoint, the guard against non-finite steps, early stopping and progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { clipToNorm, globalNorm, learningRateAt } from '../../../main/ml/optim.ts';
import {
  MAX_NON_FINITE_STEPS,
  poolThreads,
  runTrainingLoop,
  type LoopOptions,
  type LoopProgress,
  type Trainer,
} from '../../../main/ml/training-loop.ts';
import type { TrainingCheckpointState } from '../../../main/ml/training-state.ts';

await initBackend();

const TARGET = [1, -2, 3];
const OPTIONS: LoopOptions = {
  steps: 10,
  batchSize: 1,
  learningRate: 0.1,
  warmupSteps: 3,
  clipNorm: 100,
  seed: 1,
  checkpointEvery: 0,
  threads: 1,
};

/** Loss Σ (w − target)² times `scale` of the step (NaN or ∞ to fake a diverged step). */
function fakeTrainer(w: tf.Variable, scaleAt: (step: number) => number = () => 1): Trainer & { progress: LoopProgress[] } {
  const progress: LoopProgress[] = [];
  return {
    variables: [w],
    names: new Map([[w.name, 'w']]),
    progress,
    async step({ step }) {
      const scale = scaleAt(step);
      const { value, grads } = tf.variableGrads(() => tf.mul(scale, tf.sum(tf.square(tf.sub(w, TARGET)))) as tf.Scalar, [w]);
      const loss = (await value.data())[0];
      value.dispose();
      return { loss, grads, lines: 2 };
    },
    onProgress: (p) => {
      progress.push(p);
    },
  };
}

const weights = (w: tf.Variable) => Array.from(w.dataSync());

/** A checkpoint's tensors are valid during the call only: a test that keeps one copies them. */
const keep = (s: TrainingCheckpointState, w: tf.Variable) => ({
  state: { ...s, history: s.history.map((h) => ({ ...h })), optimizer: new Map([...s.optimizer!].map(([k, v]) => [k, tf.clone(v)])) },
  w: weights(w),
});

test('the learning rate warms up linearly, then decays along a cosine to a tenth of its peak', async () => {
  const o = { learningRate: 0.1, warmupSteps: 4, steps: 14 };
  const want = (step: number) => learningRateAt(step, o);
  assert.ok(Math.abs(want(0) - 0.025) < 1e-12);
  assert.ok(Math.abs(want(3) - 0.1) < 1e-12);
  assert.ok(Math.abs(want(4) - 0.1) < 1e-12, 'the decay starts at the peak');
  assert.ok(Math.abs(want(9) - 0.1 * (0.1 + 0.45)) < 1e-12, 'half-way down the cosine');
  assert.ok(Math.abs(want(14) - 0.01) < 1e-12, 'a tenth at the end');
  // The loop sets exactly this rate at every step.
  const trainer = fakeTrainer(tf.variable(tf.zeros([3])));
  await runTrainingLoop(trainer, { ...OPTIONS, ...o });
  assert.deepEqual(
    trainer.progress.map((p) => p.learningRate),
    [...Array(14).keys()].map(want),
  );
});

test('gradients are scaled down together to the clip norm, and Adam is given the clipped ones', async () => {
  const [a, b] = [tf.tensor1d([3, 0]), tf.tensor1d([4])];
  const norm = globalNorm({ a, b });
  assert.equal(norm.dataSync()[0], 5);
  const clipped = clipToNorm({ a, b }, norm, 1);
  assert.deepEqual(
    Array.from(clipped.a.dataSync(), (x) => Number(x.toFixed(5))),
    [0.6, 0],
  );
  assert.deepEqual(
    Array.from(clipped.b.dataSync(), (x) => Number(x.toFixed(5))),
    [0.8],
  );
  const kept = clipToNorm({ a, b }, norm, 10);
  assert.deepEqual(
    Array.from(kept.a.dataSync(), (x) => Number(x.toFixed(5))),
    [3, 0],
    'below the norm: unchanged',
  );
  // In the loop: after one step Adam's first moment is (1 − β₁)·g with g the clipped gradient.
  // From w = 0 the gradient is −2·target, of norm 2·√14; clipped to 1 it is −target/√14.
  let m: number[] = [];
  await runTrainingLoop(fakeTrainer(tf.variable(tf.zeros([3]))), {
    ...OPTIONS,
    steps: 1,
    clipNorm: 1,
    checkpointEvery: 1,
    onCheckpoint: (s) => {
      m = Array.from(s.optimizer!.get('w/m')!.dataSync());
    },
  });
  TARGET.forEach((t, i) => assert.ok(Math.abs(m[i] - (0.1 * -t) / Math.sqrt(14)) < 1e-6, `m[${i}] = ${m[i]}`));
  tf.dispose([a, b, norm, clipped, kept]);
});

test('a run resumed from any checkpoint continues exactly as the uninterrupted run', async () => {
  const straight = tf.variable(tf.zeros([3]));
  const full = await runTrainingLoop(fakeTrainer(straight), OPTIONS);
  assert.equal(full.status, 'done');
  const saved: Array<ReturnType<typeof keep>> = [];
  const w = tf.variable(tf.zeros([3]));
  await runTrainingLoop(fakeTrainer(w), { ...OPTIONS, checkpointEvery: 4, onCheckpoint: (s) => void saved.push(keep(s, w)) });
  assert.deepEqual(
    saved.map((c) => c.state.step),
    [4, 8],
  );
  for (const c of saved) {
    const resumed = tf.variable(tf.tensor1d(c.w));
    const r = await runTrainingLoop(fakeTrainer(resumed), { ...OPTIONS, resume: c.state });
    assert.deepEqual(r.state.history, full.state.history, `resumed at step ${c.state.step}`);
    assert.deepEqual(weights(resumed), weights(straight), `resumed at step ${c.state.step}`);
  }
});

test('a cancel writes a checkpoint of the steps done, from which the run resumes to the same end', async () => {
  const straight = tf.variable(tf.zeros([3]));
  await runTrainingLoop(fakeTrainer(straight), OPTIONS);
  const controller = new AbortController();
  const w = tf.variable(tf.zeros([3]));
  const trainer = fakeTrainer(w);
  trainer.onProgress = (p) => {
    if (p.step === 3) controller.abort();
  };
  let saved: ReturnType<typeof keep> | undefined;
  const r = await runTrainingLoop(trainer, { ...OPTIONS, signal: controller.signal, onCheckpoint: (s) => void (saved = keep(s, w)) });
  assert.equal(r.status, 'cancelled');
  assert.equal(r.state.step, 3);
  assert.equal(saved?.state.step, 3, 'checkpointed at cancel although checkpointEvery is 0');
  const resumed = tf.variable(tf.tensor1d(saved!.w));
  const end = await runTrainingLoop(fakeTrainer(resumed), { ...OPTIONS, resume: saved!.state });
  assert.equal(end.status, 'done');
  assert.deepEqual(weights(resumed), weights(straight));
});

test('a step whose loss or gradients are not finite leaves the weights alone; a run of them fails the run', async () => {
  // Step 2 (0-based) diverges: the run goes on, that step is marked skipped and changes nothing.
  const w = tf.variable(tf.zeros([3]));
  const seen: number[][] = [];
  const trainer = fakeTrainer(w, (step) => (step === 2 ? NaN : step === 3 ? Infinity : 1));
  trainer.onProgress = () => void seen.push(weights(w));
  const r = await runTrainingLoop(trainer, { ...OPTIONS, steps: 6 });
  assert.equal(r.status, 'done');
  assert.deepEqual(
    r.state.history.map((h) => h.skipped ?? false),
    [false, false, true, true, false, false],
  );
  assert.deepEqual(seen[2], seen[1], 'a NaN step does not move the weights');
  assert.deepEqual(seen[3], seen[1], 'an infinite step does not move the weights');
  assert.ok(weights(w).every(Number.isFinite));
  assert.notDeepEqual(seen[4], seen[3], 'the next finite step trains again');

  const diverged = fakeTrainer(tf.variable(tf.zeros([3])), (step) => (step >= 1 ? Infinity : 1));
  await assert.rejects(
    runTrainingLoop(diverged, OPTIONS),
    new RegExp(`training diverged: .* not finite for ${MAX_NON_FINITE_STEPS} steps in a row \\(steps 2–${1 + MAX_NON_FINITE_STEPS}\\)`),
  );
});

test('early stopping ends the run after the step that asks, its progress and checkpoint done', async () => {
  const trainer = fakeTrainer(tf.variable(tf.zeros([3])));
  const checkpoints: number[] = [];
  trainer.stopEarly = (s) => s.step === 4;
  const r = await runTrainingLoop(trainer, { ...OPTIONS, checkpointEvery: 2, onCheckpoint: (s) => void checkpoints.push(s.step) });
  assert.equal(r.status, 'stopped-early');
  assert.equal(r.state.step, 4);
  assert.deepEqual(checkpoints, [2, 4]);
  assert.deepEqual(
    trainer.progress.map((p) => p.step),
    [1, 2, 3, 4],
  );
});

test('progress counts the lines of each step and estimates the time left; no tensors are left behind', async () => {
  const w = tf.variable(tf.zeros([3]));
  const trainer = fakeTrainer(w);
  await runTrainingLoop(trainer, { ...OPTIONS, steps: 2 });
  const before = tf.memory().numTensors;
  await runTrainingLoop(trainer, { ...OPTIONS, checkpointEvery: 3, onCheckpoint: () => {} });
  // tfjs hands out Adam's step counter as a fresh scalar at each checkpoint.
  assert.ok(tf.memory().numTensors - before <= 3, `${tf.memory().numTensors - before} tensors left`);
  const last = trainer.progress.at(-1)!;
  assert.equal(last.step, 10);
  assert.equal(last.steps, 10);
  assert.equal(last.etaSeconds, 0);
  assert.ok(trainer.progress.every((p) => p.linesPerSecond > 0 && Number.isFinite(p.linesPerSecond) && p.etaSeconds >= 0));
  // Lines per second × seconds left = the lines of the steps left, at 2 lines a step.
  for (const p of trainer.progress) assert.ok(Math.abs(p.linesPerSecond * p.etaSeconds - 2 * (p.steps - p.step)) < 1e-6, `step ${p.step}`);
});

test('the gradient pool gets threads on the wasm and cpu backends only, never more than a step can share', () => {
  assert.equal(poolThreads('wasm', 4, 16), 4);
  assert.equal(poolThreads('cpu', 4, 2), 2);
  assert.equal(poolThreads('wasm', 0, 16), 1);
  assert.equal(poolThreads('tensorflow', 4, 16), 1);
  assert.equal(poolThreads('webgpu', 4, 16), 1);
});
