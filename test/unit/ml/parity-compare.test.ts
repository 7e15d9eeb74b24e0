// The parity rule (test/helpers/parity-compare.ts) that the parity suite and the GPU check
// judge a backend by: identical answers pass, and each kind of difference beyond the
// tolerance fails with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParityResult } from '../../helpers/parity-case.ts';
import { compareParity, PARITY_TOLERANCE, relativeDiff } from '../../helpers/parity-compare.ts';

const reference: ParityResult = {
  backend: 'cpu',
  provider: '@tensorflow/tfjs',
  loss: 10,
  grads: { 'conv0/kernel': [0.5, -2, 1], 'head/bias': [0.1, 0.2] },
  lossAfterSteps: [9, 8],
  readings: [{ text: 'the hand', confidence: 0.9 }],
};
const copy = (): ParityResult => JSON.parse(JSON.stringify({ ...reference, backend: 'webgpu' }));

test('relativeDiff is the largest difference over the reference’s largest magnitude', () => {
  assert.equal(relativeDiff([1, -4], [1, -3]), 0.25);
  assert.equal(relativeDiff([1, 2], [1]), Infinity);
});

test('the same answers pass with every difference zero', () => {
  const c = compareParity(reference, copy());
  assert.deepEqual(c.failures, []);
  assert.equal(c.loss, 0);
  assert.equal(c.worstGradient.diff, 0);
  assert.ok(c.readingsMatch);
});

test('differences within the tolerance pass and are reported', () => {
  const got = copy();
  got.grads['conv0/kernel'][1] += 2 * (PARITY_TOLERANCE / 4);
  const c = compareParity(reference, got);
  assert.deepEqual(c.failures, []);
  assert.equal(c.worstGradient.name, 'conv0/kernel');
  assert.ok(Math.abs(c.worstGradient.diff - PARITY_TOLERANCE / 4) < 1e-9);
});

test('each difference beyond the tolerance fails, naming what differs', () => {
  const got = copy();
  got.loss *= 1 + 10 * PARITY_TOLERANCE;
  got.grads['head/bias'][0] += 0.01;
  got.lossAfterSteps[1] += 0.01;
  got.readings[0] = { text: 'the band', confidence: 0.8 };
  const c = compareParity(reference, got);
  assert.equal(c.failures.length, 5, c.failures.join('\n'));
  assert.match(c.failures.join('\n'), /loss .*head\/bias.*losses after steps.*readings.*confidence/s);
  assert.equal(c.worstGradient.name, 'head/bias');
  assert.equal(c.readingsMatch, false);
});

test('a missing gradient fails', () => {
  const got = copy();
  delete got.grads['head/bias'];
  assert.ok(compareParity(reference, got).failures.some((f) => f.includes('different weights')));
});
