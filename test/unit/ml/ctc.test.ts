// CTC loss and gradient against PyTorch (fixture made by test/fixtures/ctc/make_ctc_fixtures.py),
// plus the tfjs op wrapper and a finite-difference check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { ctcLoss, ctcLossAndGrad } from '../../../main/ml/ctc.ts';
import { randomArray } from '../../../main/ml/random.ts';

interface Case {
  name: string;
  shape: [number, number, number];
  logits: number[];
  labels: number[][];
  inputLengths: number[];
  nll: Array<number | 'inf'>;
  grad: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/ctc/ctc_reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

const relClose = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

for (const c of fixture.cases) {
  test(`ctc matches torch.nn.functional.ctc_loss: ${c.name}`, () => {
    const { nll, grad } = ctcLossAndGrad({
      logits: Float32Array.from(c.logits),
      shape: c.shape,
      labels: c.labels,
      inputLengths: c.inputLengths,
    });
    c.nll.forEach((want, n) => {
      if (want === 'inf') assert.equal(nll[n], Infinity, `sample ${n} should be impossible`);
      else assert.ok(relClose(nll[n], want), `sample ${n}: loss ${nll[n]} vs torch ${want}`);
    });
    let worst = 0;
    c.grad.forEach((want, i) => {
      worst = Math.max(worst, Math.abs(grad[i] - want) / Math.max(1, Math.abs(want)));
    });
    assert.ok(worst < 1e-4, `gradient relative error ${worst}`);
  });
}

test('ctc op: zero_infinity reports impossible lines as 0 and backpropagates dy', async () => {
  await tf.setBackend('cpu');
  const c = fixture.cases.find((x) => x.name === 'impossible alignment')!;
  const logits = tf.tensor3d(c.logits, c.shape);
  const loss = ctcLoss(logits, c.labels, c.inputLengths);
  const values = await loss.data();
  assert.equal(values[0], 0);
  assert.ok(relClose(values[2], c.nll[2] as number));
  // d(2·L₂)/dx must be twice torch's gradient for sample 2 and zero elsewhere.
  const g = await tf
    .grad((x) => tf.sum(tf.mul(ctcLoss(x as tf.Tensor3D, c.labels, c.inputLengths), tf.tensor1d([1, 1, 2]))))(logits)
    .data();
  const [, T, C] = c.shape;
  for (let i = 0; i < g.length; i++) {
    const want = Math.floor(i / (T * C)) === 2 ? 2 * c.grad[i] : 0;
    assert.ok(Math.abs(g[i] - want) < 1e-4, `grad[${i}] = ${g[i]}, want ${want}`);
  }
});

test('ctc gradient agrees with central finite differences', () => {
  const shape: [number, number, number] = [2, 7, 4];
  const logits = randomArray(2 * 7 * 4, 11);
  const batch = { shape, labels: [[1, 2, 2], [3]], inputLengths: [7, 5] };
  const total = (x: Float32Array) => {
    const r = ctcLossAndGrad({ ...batch, logits: x }).nll;
    return r[0] + r[1];
  };
  const { grad } = ctcLossAndGrad({ ...batch, logits });
  const h = 1e-2;
  for (const i of [0, 5, 13, 27, 30, 41, 55]) {
    const plus = Float32Array.from(logits);
    plus[i] += h;
    const minus = Float32Array.from(logits);
    minus[i] -= h;
    const numeric = (total(plus) - total(minus)) / (2 * h);
    assert.ok(Math.abs(numeric - grad[i]) < 2e-3, `logit ${i}: numeric ${numeric} vs analytic ${grad[i]}`);
  }
});

test('ctc rejects labels outside the charset', () => {
  assert.throws(() => ctcLossAndGrad({ logits: new Float32Array(12), shape: [1, 3, 4], labels: [[4]], inputLengths: [3] }), /label 4/);
  assert.throws(() => ctcLossAndGrad({ logits: new Float32Array(12), shape: [1, 3, 4], labels: [[0]], inputLengths: [3] }), /label 0/);
});
