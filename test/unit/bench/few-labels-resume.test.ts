// The few-labels experiment's runs last hours and are cut by sessions' ends: a run stopped at
// any checkpoint and continued from it must end with the same weights as a run never stopped
// (to float rounding: a resumed Adam's bias corrections can differ in the last bit),
// whichever stage it stopped in (SeqCLR pretraining, between stages, fine-tuning, a
// self-training round or its reading).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../main/ml/backend.ts';
import type { ModelHeader, SavedModel } from '../../../main/ml/checkpoint.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { runRow, type Row, type RowData, type RunSettings } from '../../../bench/real/few-labels-rows.ts';
import { loadRunCheckpoint } from '../../../bench/real/run-checkpoint.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';

await initBackend();

const lines = tinyLines(20);
const data: RowData = {
  labeled: lines.slice(0, 6),
  unlabeled: lines.slice(6).map((l, i) => ({ id: i, image: l.image })),
  all: lines,
};
// Threshold 0: every non-empty reading of the unlabeled lines becomes a target.
const settings: RunSettings = {
  labels: 6,
  steps: 4,
  pretrainSteps: 3,
  unlabeled: 14,
  threads: 1,
  learningRate: 1e-3,
  semiRounds: 2,
  semiThreshold: 0,
  semiLabeledShare: 0.3,
};

function base(): SavedModel {
  const codec = tinyCodec();
  return { model: new Recognizer({ ...TINY, classes: codec.classes }, 3), codec, header: {} as ModelHeader, optimizerState: new Map() };
}

const weightsOf = (m: Recognizer) => new Map([...m.weights].map(([k, v]) => [k, v.dataSync() as Float32Array]));

/** The largest difference between two sets of weights (Infinity where their names or sizes differ). */
function largestDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [k, x] of a) {
    const y = b.get(k);
    if (!y || y.length !== x.length) return Infinity;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return a.size === b.size ? worst : Infinity;
}

/** The row's final weights and checkpoints written, stopped (by a failing checkpoint) at its `stopAt`-th checkpoint and continued. */
async function run(row: Row, stopAt?: number): Promise<{ weights: Map<string, Float32Array>; checkpoints: number }> {
  const path = join(mkdtempSync(join(tmpdir(), 'quire-fl-')), 'run.ckpt.qmodel');
  let calls = 0;
  const seconds = () => {
    calls++;
    if (calls === stopAt) throw new Error('stopped');
    return calls;
  };
  try {
    const { model } = await runRow(row, base(), data, settings, 1, { path, every: 1, seconds });
    return { weights: weightsOf(model), checkpoints: calls };
  } catch (e) {
    assert.equal((e as Error).message, 'stopped');
  }
  const resume = loadRunCheckpoint(path);
  assert.ok(stopAt === 1 || resume, 'a checkpoint was written before the stop');
  // Checkpoints written: those kept before the stop, then the continued run's own.
  let more = 0;
  const { model } = await runRow(row, base(), data, settings, 1, { path, every: 1, seconds: () => more++, resume });
  return { weights: weightsOf(model), checkpoints: stopAt! - 1 + more };
}

for (const row of ['seqclr', 'semi'] as const) {
  test(`a ${row} run stopped at any checkpoint and continued ends as one never stopped`, async () => {
    const whole = await run(row);
    // seqclr: 3 pretraining checkpoints, the passage to fine-tuning, 4 fine-tuning ones;
    // semi: the teacher round's 2, its end, the reading, the student round's 2.
    assert.equal(whole.checkpoints, row === 'seqclr' ? 8 : 6);
    for (let stopAt = 2; stopAt <= whole.checkpoints; stopAt++) {
      const resumed = await run(row, stopAt);
      // The continued run picks up after the last checkpoint kept: it neither starts over nor skips.
      assert.equal(resumed.checkpoints, whole.checkpoints, `stopped at checkpoint ${stopAt}: checkpoints written`);
      const difference = largestDifference(resumed.weights, whole.weights);
      assert.ok(difference <= 1e-6, `stopped at checkpoint ${stopAt}: weights differ by ${difference}`);
    }
  });
}
