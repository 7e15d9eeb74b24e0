// Self-training: which readings become pseudo-labels (the threshold, nothing empty), and a
// run of rounds that resumes exactly from a checkpoint taken mid-round, as after a kill.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../main/ml/backend.ts';
import { CharLm } from '../../../main/ml/char-lm.ts';
import type { Decoding } from '../../../main/ml/decoding.ts';
import { loadModel } from '../../../main/ml/checkpoint.ts';
import type { Sample } from '../../../main/ml/data.ts';
import { toLineTensor } from '../../../main/ml/line-image.ts';
import type { Recognizer } from '../../../main/ml/model.ts';
import { readLines } from '../../../main/ml/recognize.ts';
import {
  emptyTrainState,
  labeledRepeats,
  roundLines,
  roundSteps,
  sampleUnlabeled,
  selectPseudoLabels,
  selfTrain,
  type SelfTrainingOptions,
  type SelfTrainingState,
} from '../../../main/ml/self-training.ts';
import { BASE_MODEL_FILE } from '../../../main/models/base-model.ts';
import { synthLine } from '../../../bench/synth/handwriting.ts';

await initBackend();

test('pseudo-labels: exactly the non-empty readings with confidence ≥ threshold', () => {
  const lines = [{ id: 1 }, { id: 'b' }, { id: 3 }, { id: 4 }, { id: 5 }];
  const readings = [
    { text: 'an', confidence: 0.95, charConfidence: [0.95, 0.95] },
    { text: 'of', confidence: 0.9, charConfidence: [0.9, 0.9] },
    { text: 'to', confidence: 0.8999, charConfidence: [0.9, 0.8998] },
    { text: '', confidence: 0.99, charConfidence: [] },
    { text: ' ', confidence: 0.97, charConfidence: [0.97] },
  ];
  assert.deepEqual(selectPseudoLabels(lines, readings, 0.9), [
    { id: 1, text: 'an', confidence: 0.95 },
    { id: 'b', text: 'of', confidence: 0.9 },
  ]);
  assert.deepEqual(
    selectPseudoLabels(lines, readings, 0).map((p) => p.id),
    [1, 'b', 3],
  );
  assert.deepEqual(selectPseudoLabels(lines, readings, 1), []);
  assert.throws(() => selectPseudoLabels(lines, readings.slice(1), 0.5), /4 readings for 5 lines/);
});

// The bundled base model reads generated handwriting, so its readings are confident enough
// to pass a threshold (an untrained network reads nothing).
const base = () => loadModel(BASE_MODEL_FILE);
const codec = base().codec;
const line = (i: number) => synthLine(97, i, { minWords: 1, maxWords: 2, digitShare: 0 });
const height = base().model.config.height;
const labeled: Sample[] = Array.from({ length: 6 }, (_, i) => ({ text: line(i).text, image: toLineTensor(line(i).image, height) }));
const unlabeled = Array.from({ length: 10 }, (_, i) => ({ id: 100 + i, image: toLineTensor(line(6 + i).image, height) }));
// The base model is sure of most generated lines: a threshold at the median confidence of
// its readings makes the split of these lines into chosen and not chosen non-trivial. Half
// way between two readings' confidences: selfTrain may read with ONNX Runtime, whose
// confidences differ from tfjs's in the sixth digit.
const initial = readLines(
  base().model,
  codec,
  unlabeled.map((l) => l.image),
  4,
);
const sorted = initial.map((r) => r.confidence).sort((a, b) => a - b);
const threshold = (sorted[4] + sorted[5]) / 2;
const validation = labeled.slice(0, 3);
// Reading from round 1 on, so the rounds' pseudo-labels are the readings of a known model.
const OPTIONS: Partial<SelfTrainingOptions> = {
  labeledFirst: false,
  rounds: 2,
  threshold,
  stepsPerRound: 4,
  checkpointEvery: 2,
  readBatchSize: 4,
  train: { batchSize: 4, learningRate: 1e-3, warmupSteps: 1, validateEvery: 2, patience: 0, threads: 1, seed: 3 },
};
const weightsOf = (m: Recognizer) => new Map([...m.weights.entries()].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));

test('rounds choose pseudo-labels by the threshold and train on them; a run resumed mid-round ends exactly as an uninterrupted one', async () => {
  const { model } = base();
  const full = await selfTrain(model, codec, { labeled, unlabeled, validation }, OPTIONS);
  assert.equal(full.status, 'done');
  assert.equal(full.rounds.length, 2);
  const expected = unlabeled.filter((_, i) => initial[i].confidence >= threshold && initial[i].text.trim() !== '').map((l) => l.id);
  assert.ok(
    expected.length > 0 && expected.length < unlabeled.length,
    `the threshold splits the lines (${expected.length} of ${unlabeled.length} pass)`,
  );
  assert.deepEqual(
    full.rounds[0].pseudoLabels.map((p) => p.id),
    expected,
    'round 1 takes exactly the confident readings of the starting model',
  );
  assert.deepEqual(
    full.rounds[0].pseudoLabels.map((p) => p.text),
    unlabeled.flatMap((_, i) => (expected.includes(100 + i) ? [initial[i].text] : [])),
  );
  for (const r of full.rounds) {
    assert.ok(r.pseudoLabels.every((p) => p.confidence >= threshold));
    assert.equal(r.steps, 4);
    assert.equal(r.status, 'done');
  }
  const fullWeights = weightsOf(model);
  model.dispose();

  // Interrupted in round 2 at step 3; resumed from the step-2 checkpoint, as after a kill.
  const run = base();
  const saved: Array<{ state: SelfTrainingState; weights: Map<string, tf.Tensor> }> = [];
  const controller = new AbortController();
  const clone = (m: Map<string, tf.Tensor>) => new Map([...m].map(([k, v]) => [k, tf.clone(v)]));
  const partial = await selfTrain(
    run.model,
    codec,
    { labeled, unlabeled, validation },
    {
      ...OPTIONS,
      signal: controller.signal,
      // The state's tensors are valid during the call only: copied, as a checkpoint file would keep them.
      onCheckpoint: (state) =>
        saved.push({
          state: {
            ...state,
            train: {
              ...state.train,
              optimizer: state.train.optimizer && clone(state.train.optimizer),
              best: state.train.best && clone(state.train.best),
            },
          },
          weights: clone(run.model.weights),
        }),
      onProgress: (p) => {
        if (p.phase === 'train' && p.round === 1 && p.step === 3) controller.abort();
      },
    },
  );
  assert.equal(partial.status, 'cancelled');
  const kill = saved.findLast((c) => c.state.round === 1 && c.state.train.step === 2)!;
  assert.ok(kill, 'a checkpoint at round 2, step 2');
  assert.deepEqual(kill.state.rounds[0].pseudoLabels, full.rounds[0].pseudoLabels);
  run.model.dispose();
  const resumed = base();
  for (const [k, v] of kill.weights) resumed.model.weights.get(k)!.assign(v);
  assert.ok(kill.state.train.best, 'the checkpoint holds the best validation weights so far');
  const end = await selfTrain(resumed.model, codec, { labeled, unlabeled, validation }, { ...OPTIONS, resume: kill.state });
  assert.equal(end.status, 'done');
  assert.deepEqual(end.rounds, full.rounds, 'same rounds, pseudo-labels and outcomes');
  let worst = 0;
  for (const [k, w] of weightsOf(resumed.model))
    w.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(x - fullWeights.get(k)![i]));
    });
  assert.ok(worst < 1e-5, `resumed weights differ by ${worst}`);
  resumed.model.dispose();
  for (const c of saved)
    tf.dispose([...c.weights.values(), ...(c.state.train.optimizer?.values() ?? []), ...(c.state.train.best?.values() ?? [])]);
});

test('labeledFirst: round 1 trains on the labeled lines alone, and the readings start in round 2', async () => {
  const { model } = base();
  const phases: string[] = [];
  const result = await selfTrain(
    model,
    codec,
    { labeled, unlabeled, validation },
    { ...OPTIONS, labeledFirst: true, onProgress: (p) => phases.push(`${p.phase}${p.round}`) },
  );
  assert.equal(result.status, 'done');
  assert.deepEqual(
    result.rounds.map((r) => [r.round, r.read]),
    [
      [0, 0],
      [1, unlabeled.length],
    ],
  );
  assert.deepEqual(result.rounds[0].pseudoLabels, []);
  assert.ok(!phases.includes('read0') && phases.includes('read1'), 'no reading before the first training');
  assert.ok(phases.indexOf('train0') < phases.indexOf('read1'));
  model.dispose();
});

test('the teacher reads the unlabeled lines with the decoding it is given (a language model)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quire-st-lm-'));
  CharLm.train(Array(20).fill('the the the'), 4).save(join(dir, 'the.qlm'));
  const once = { ...OPTIONS, rounds: 1, stepsPerRound: 1, threshold: 0 };
  const texts = async (decoding?: Decoding) => {
    const { model } = base();
    const r = await selfTrain(model, codec, { labeled, unlabeled }, { ...once, decoding });
    model.dispose();
    return r.rounds[0].pseudoLabels.map((p) => `${p.id}:${p.text}`);
  };
  const plain = await texts();
  const languageModel = { file: join(dir, 'the.qlm'), projectTexts: [], projectShare: 0, weight: 2, bonus: 3, beamWidth: 4 };
  const fused = await texts({ languageModel });
  assert.ok(plain.length > 0);
  assert.notDeepEqual(fused, plain, 'the language model changed the pseudo-labels');
});

test('labeled lines are repeated in a round just enough to make up the share asked of it', () => {
  // 100 human lines beside 1,500 machine-read ones, a quarter asked: each 5 times (500 of 2,000).
  assert.equal(labeledRepeats(100, 1500, 0.25), 5);
  assert.equal(labeledRepeats(100, 1501, 0.25), 6);
  for (const [l, p, share] of [
    [100, 1500, 0.25],
    [7, 300, 0.5],
    [40, 41, 0.3],
  ]) {
    const r = labeledRepeats(l, p, share);
    assert.ok((r * l) / (r * l + p) >= share, `${l}, ${p}, ${share}: share reached`);
    assert.ok(r === 1 || ((r - 1) * l) / ((r - 1) * l + p) < share, `${l}, ${p}, ${share}: no more repeats than needed`);
  }
  // Nothing to balance: no share asked, no machine-read line, or the human lines already enough.
  assert.equal(labeledRepeats(100, 1500, 0), 1);
  assert.equal(labeledRepeats(100, 0, 0.25), 1);
  assert.equal(labeledRepeats(100, 50, 0.25), 1);
  // The round's list: each human line that many times, then each machine-read line once.
  assert.deepEqual(roundLines(['a', 'b'], ['p', 'q', 'r', 's', 't'], 0.4), ['a', 'b', 'a', 'b', 'p', 'q', 'r', 's', 't']);
  assert.deepEqual(roundLines(['a', 'b'], ['p'], 0), ['a', 'b', 'p']);
});

test('the pseudo-label weight reaches the loss of the machine-read lines', async () => {
  // The same rounds and pseudo-labels, two weights: different networks at the end (one
  // round, so both read the same lines with the base model).
  const run = async (pseudoWeight: number) => {
    const { model } = base();
    const r = await selfTrain(model, codec, { labeled, unlabeled }, { ...OPTIONS, rounds: 1, threshold: 0, pseudoWeight });
    assert.ok(r.rounds[0].pseudoLabels.length > 0);
    const w = weightsOf(model);
    model.dispose();
    return w;
  };
  const [light, heavy] = [await run(0.1), await run(0.9)];
  const differs = [...light].some(([k, v]) => v.some((x, i) => Math.abs(x - heavy.get(k)![i]) > 1e-6));
  assert.ok(differs, 'the weight of the machine-read lines changed nothing');
});

test("a run's steps are split over its rounds to the step, each round at least one", () => {
  assert.deepEqual(roundSteps(10, 3), [4, 3, 3]);
  assert.deepEqual(roundSteps(1000, 2), [500, 500]);
  assert.deepEqual(roundSteps(1, 2), [1, 1]);
});

test('options are checked', async () => {
  const { model } = base();
  await assert.rejects(selfTrain(model, codec, { labeled, unlabeled }, { threshold: 1.5 }), /threshold must be in \[0, 1\]/);
  await assert.rejects(selfTrain(model, codec, { labeled, unlabeled }, { labeledShare: 1 }), /labeled share must be in \[0, 1\)/);
  // Machine readings weigh less than human labels; one round after a labeled-only one would read nothing.
  await assert.rejects(selfTrain(model, codec, { labeled, unlabeled }, { pseudoWeight: 1 }), /pseudo-label weight must be in \[0, 1\)/);
  await assert.rejects(
    selfTrain(model, codec, { labeled, unlabeled }, { labeledFirst: true, rounds: 1 }),
    /rounds must be a whole number ≥ 2/,
  );
  await assert.rejects(selfTrain(model, codec, { labeled, unlabeled }, { rounds: 2, stepsPerRound: [3] }), /1 given for 2 rounds/);
  await assert.rejects(selfTrain(model, codec, { labeled: [], unlabeled }, {}), /needs some human-labeled lines/);
  await assert.rejects(selfTrain(model, codec, { labeled, unlabeled: [unlabeled[0], unlabeled[0]] }, {}), /ids must be unique/);
  model.dispose();
});

test('a resumed run withdraws the readings of lines that are no longer unlabeled (transcribed meanwhile) and finishes', async () => {
  const { model } = base();
  const pseudoLabels = [
    { id: 100, text: 'read by the model', confidence: 0.99 },
    { id: 101, text: initial[1].text || 'x', confidence: 0.99 },
  ];
  const resume: SelfTrainingState = { round: 0, rounds: [{ round: 0, read: unlabeled.length, pseudoLabels }], train: emptyTrainState() };
  // Line 100 was transcribed while the job was down: it comes back among the labeled lines.
  const stillUnlabeled = unlabeled.filter((l) => l.id !== 100);
  const result = await selfTrain(model, codec, { labeled, unlabeled: stillUnlabeled }, { ...OPTIONS, rounds: 1, resume });
  assert.equal(result.status, 'done');
  assert.deepEqual(
    result.rounds[0].pseudoLabels.map((p) => p.id),
    [101],
  );
  model.dispose();
});

test('the unlabeled sample is bounded, and stays the same for the lines that remain when others are transcribed', () => {
  const ids = Array.from({ length: 50 }, (_, i) => i + 1);
  assert.deepEqual(sampleUnlabeled(ids, 1, 60), ids);
  const chosen = sampleUnlabeled(ids, 1, 20);
  assert.equal(chosen.length, 20);
  assert.deepEqual(
    chosen,
    [...chosen].sort((a, b) => a - b),
    'in the order given',
  );
  assert.notDeepEqual(sampleUnlabeled(ids, 2, 20), chosen, 'the seed decides the sample');
  const gone = new Set(chosen.slice(0, 5));
  const after = sampleUnlabeled(
    ids.filter((id) => !gone.has(id)),
    1,
    20,
  );
  assert.ok(
    chosen.filter((id) => !gone.has(id)).every((id) => after.includes(id)),
    'lines still there stay chosen',
  );
});
