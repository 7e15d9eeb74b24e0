// The SeqCLR experiment's cache keys: a key that changes by accident orphans hours of finished
// runs, and a key that misses a setting re-uses runs that no longer answer the question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { ALL_METHODS, encoderFile, modesOf, runFile, type ExperimentSettings } from '../../../bench/seqclr-runs.ts';

// The settings of docs/results/seqclr-labels10.md and seqclr-lpft.md, whose runs are cached as these files.
const TEN_PERCENT: ExperimentSettings = {
  total: 4000,
  hands: 10,
  pretrainSteps: 1000,
  augmentations: 'mild',
  augmentStrength: 1,
  temperature: 0.1,
  finetuneSteps: 1000,
  probeSteps: 200,
  fractions: [0.1],
  modes: ['finetune'],
};
const SUPERVISED = 1;
const WINDOW5 = 4;

test('the keys of runs cached by earlier invocations stay the same', () => {
  assert.equal(basename(runFile(TEN_PERCENT, 1, SUPERVISED)), 'method-1-seed-1-346e6f491220bd42.json');
  assert.equal(basename(runFile(TEN_PERCENT, 1, WINDOW5)), 'method-4-seed-1-e9908b5388345d01.json');
  assert.equal(basename(encoderFile(TEN_PERCENT, 1, WINDOW5)), 'encoder-4-seed-1-7acc75991873b43c.qmodel');
  const lpft: ExperimentSettings = { ...TEN_PERCENT, fractions: [0.05], modes: ['finetune', 'lpft'] };
  assert.equal(basename(runFile(lpft, 1, WINDOW5)), 'method-4-seed-1-b33afa3734d39681.json');
  assert.equal(basename(runFile(lpft, 1, SUPERVISED)), 'method-1-seed-1-9951486ba765c6cb.json');
});

test('fine-tuning settings change the run, never the pretrained encoder', () => {
  for (const change of [{ finetuneSteps: 2000 }, { fractions: [0.05] }, { modes: ['decoder' as const] }]) {
    const s = { ...TEN_PERCENT, ...change };
    assert.equal(encoderFile(s, 1, WINDOW5), encoderFile(TEN_PERCENT, 1, WINDOW5), JSON.stringify(change));
    assert.notEqual(runFile(s, 1, WINDOW5), runFile(TEN_PERCENT, 1, WINDOW5), JSON.stringify(change));
  }
  // The probe length only matters where lpft runs.
  assert.equal(runFile({ ...TEN_PERCENT, probeSteps: 300 }, 1, WINDOW5), runFile(TEN_PERCENT, 1, WINDOW5));
  const lpft: ExperimentSettings = { ...TEN_PERCENT, modes: ['lpft'] };
  assert.notEqual(runFile({ ...lpft, probeSteps: 300 }, 1, WINDOW5), runFile(lpft, 1, WINDOW5));
});

test('pretraining settings change the encoder and its runs, not the supervised baseline', () => {
  for (const change of [{ pretrainSteps: 500 }, { augmentations: 'strong' as const }, { augmentStrength: 2 }, { temperature: 0.5 }]) {
    const s = { ...TEN_PERCENT, ...change };
    assert.notEqual(encoderFile(s, 1, WINDOW5), encoderFile(TEN_PERCENT, 1, WINDOW5), JSON.stringify(change));
    assert.notEqual(runFile(s, 1, WINDOW5), runFile(TEN_PERCENT, 1, WINDOW5), JSON.stringify(change));
    assert.equal(runFile(s, 1, SUPERVISED), runFile(TEN_PERCENT, 1, SUPERVISED), JSON.stringify(change));
  }
});

test('other data (more lines, more hands) and another seed change every key', () => {
  for (const s of [
    { ...TEN_PERCENT, total: 8000 },
    { ...TEN_PERCENT, hands: 45 },
  ]) {
    assert.notEqual(runFile(s, 1, SUPERVISED), runFile(TEN_PERCENT, 1, SUPERVISED));
    assert.notEqual(encoderFile(s, 1, WINDOW5), encoderFile(TEN_PERCENT, 1, WINDOW5));
  }
  assert.notEqual(encoderFile(TEN_PERCENT, 2, WINDOW5), encoderFile(TEN_PERCENT, 1, WINDOW5));
  assert.notEqual(encoderFile(TEN_PERCENT, 1, 5), encoderFile(TEN_PERCENT, 1, WINDOW5));
});

test('supervised only is fine-tuned whenever anything but decoder evaluation is asked for', () => {
  const supervised = ALL_METHODS[SUPERVISED - 1];
  const window = ALL_METHODS[WINDOW5 - 1];
  assert.deepEqual(modesOf(supervised, ['decoder']), []);
  assert.deepEqual(modesOf(supervised, ['decoder', 'lpft']), ['finetune']);
  assert.deepEqual(modesOf(window, ['decoder', 'lpft']), ['decoder', 'lpft']);
  const random = ALL_METHODS.find((m) => m.probe)!;
  assert.deepEqual(modesOf(random, ['decoder', 'finetune']), ['decoder']);
  assert.deepEqual(modesOf(random, ['finetune']), []);
});
