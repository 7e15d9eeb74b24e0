// The training loops train the numbers they trained before issue #18 merged them into one
// (training-loop.ts), and resume the checkpoints written then: losses, validation CERs and
// weights of a few steps of supervised training and SeqCLR pretraining, on one thread and
// on the gradient pool, and of segmenter training, against test/fixtures/checkpoints
// (make-loop-fixture.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initBackend } from '../../../main/ml/backend.ts';
import { loadTrainingCheckpoint } from '../../../main/ml/checkpoint.ts';
import { ArraySource, batchIndices } from '../../../main/ml/data.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { pretrain } from '../../../main/ml/seqclr/pretrain.ts';
import { train } from '../../../main/ml/train.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { trainSegNet } from '../../../main/ml/seg-train.ts';
import {
  CHECKPOINT_STEP,
  codec,
  fingerprint,
  lines,
  MICRO,
  PRETRAIN,
  SEGMENTER,
  SUPERVISED,
} from '../../fixtures/checkpoints/loop-fixture-setup.ts';
import { tinyPage } from '../../helpers/seg-pages.ts';

await initBackend('wasm');
const fixture = (name: string) => new URL(`../../fixtures/checkpoints/${name}`, import.meta.url).pathname;
type Expected = {
  status: string;
  history: Array<[number, number | null]>;
  bestCer?: number | null;
  last?: Record<string, number>;
  weights: Record<string, number>;
};
const expected = JSON.parse(readFileSync(fixture('loop-expected.json'), 'utf8')) as Record<string, Expected>;

const close = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${what}: ${got}, was ${want}`);

function sameHistory(got: Array<{ step: number; loss: number; cer?: number }>, want: Expected['history'], from = 0) {
  assert.deepEqual(
    got.map((h) => h.step),
    want.map((_, i) => i + 1),
  );
  want.slice(from).forEach(([loss, cer], i) => {
    const h = got[from + i];
    close(h.loss, loss, `loss at step ${h.step}`);
    assert.equal(h.cer ?? null, cer, `CER at step ${h.step}`);
  });
}

function sameWeights(got: Record<string, number>, want: Record<string, number>, what: string) {
  assert.deepEqual(Object.keys(got), Object.keys(want));
  for (const k of Object.keys(want)) close(got[k], want[k], `${what} ${k}`);
}

const source = new ArraySource(lines(12, 3));
const batchLines = [...Array(SUPERVISED.steps).keys()].map(
  (step) => batchIndices(source, SUPERVISED.batchSize, SUPERVISED.seed, step, (i) => source.get(i).image.width).length,
);

async function supervised(threads: number, model: Recognizer, resume?: ReturnType<typeof loadTrainingCheckpoint>['state']) {
  let last: Record<string, number> = {};
  const r = await train(
    model,
    codec,
    { train: source, validation: lines(4, 8) },
    {
      ...SUPERVISED,
      threads,
      checkpointEvery: 0,
      resume,
      onProgress: (p) => {
        if (p.step === p.steps) last = fingerprint(model);
        // 12 lines make batches of 2 or 4 (batchIndices): the speed counts those, not batchSize.
        // Lines per second × seconds per step = the lines of the steps so far, per step.
        const done = p.step - (resume?.step ?? 0);
        const lines = batchLines.slice(resume?.step ?? 0, p.step).reduce((a, b) => a + b, 0);
        if (p.step < p.steps) close((p.linesPerSecond * p.etaSeconds * done) / (p.steps - p.step), lines, `lines at step ${p.step}`);
      },
    },
  );
  return { r, last };
}

for (const threads of [1, 2]) {
  test(`supervised training on ${threads} thread(s) gives the losses, CERs and weights of before`, async () => {
    const want = expected[`supervised-${threads}`];
    const model = new Recognizer(MICRO, 5);
    const { r, last } = await supervised(threads, model);
    assert.equal(r.status, want.status);
    sameHistory(r.state.history, want.history);
    assert.equal(r.state.bestCer, want.bestCer);
    sameWeights(last, want.last!, 'last step');
    sameWeights(fingerprint(model), want.weights, 'restored best');
    model.dispose();
  });

  test(`SeqCLR pretraining on ${threads} thread(s) gives the losses and weights of before`, async () => {
    const want = expected[`pretrain-${threads}`];
    const model = new Recognizer(MICRO, 6);
    const r = await pretrain(model, new ArraySource(lines(10, 4)), { ...PRETRAIN, threads, checkpointEvery: 0 });
    r.head.dispose();
    assert.equal(r.status, want.status);
    sameHistory(r.state.history, want.history);
    sameWeights(fingerprint(model), want.weights, 'final');
    model.dispose();
  });
}

test('a supervised checkpoint written by the loop of before resumes into the same run', async () => {
  const want = expected['supervised-1'];
  const saved = loadTrainingCheckpoint(fixture('supervised-step3.qmodel'));
  assert.equal(saved.state.step, CHECKPOINT_STEP);
  assert.ok(saved.state.best?.size, 'the best weights so far travel in the checkpoint');
  const { r, last } = await supervised(1, saved.model, saved.state);
  assert.equal(r.status, want.status);
  sameHistory(r.state.history, want.history, CHECKPOINT_STEP);
  assert.equal(r.state.bestCer, want.bestCer);
  sameWeights(last, want.last!, 'last step');
  sameWeights(fingerprint(saved.model), want.weights, 'restored best');
});

test('a SeqCLR checkpoint written by the loop of before resumes into the same run', async () => {
  const want = expected['pretrain-1'];
  const saved = loadTrainingCheckpoint(fixture('pretrain-step3.qmodel'));
  assert.equal(saved.state.step, CHECKPOINT_STEP);
  assert.ok(saved.state.extraWeights?.size, 'the projection head travels in the checkpoint');
  const r = await pretrain(saved.model, new ArraySource(lines(10, 4)), {
    ...PRETRAIN,
    threads: 1,
    checkpointEvery: 0,
    resume: saved.state,
  });
  r.head.dispose();
  assert.equal(r.status, want.status);
  sameHistory(r.state.history, want.history, CHECKPOINT_STEP);
  sameWeights(fingerprint(saved.model), want.weights, 'final');
});

test('segmenter training gives the losses and weights of its own loop of before', async () => {
  const want = expected.segmenter;
  const net = new SegNet(SEGMENTER.net, 3);
  const losses = await trainSegNet(net, SEGMENTER.pages.map(tinyPage), SEGMENTER);
  assert.equal(losses.length, want.history.length);
  want.history.forEach(([loss], i) => close(losses[i], loss, `loss at step ${i + 1}`));
  sameWeights(fingerprint(net), want.weights, 'final');
  net.dispose();
});
