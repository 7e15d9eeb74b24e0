// Decoders on hand-made posteriors whose right answer is known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignmentConfidence, greedyDecode, type Posteriors } from '../../../main/ml/decode.ts';
import { beamDecode } from '../../../main/ml/lm-decode.ts';

/** Builds posteriors from rows of probabilities (each row sums to 1). */
function post(rows: number[][]): Posteriors {
  const C = rows[0].length;
  return { logProbs: Float32Array.from(rows.flat(), Math.log), length: rows.length, classes: C };
}

test('greedy decoding collapses repeats and drops blanks', () => {
  const p = post([
    [0.1, 0.8, 0.1], // a
    [0.2, 0.7, 0.1], // a (repeat, collapsed)
    [0.9, 0.05, 0.05], // blank
    [0.1, 0.6, 0.3], // a again after a blank
    [0.1, 0.1, 0.8], // b
  ]);
  const d = greedyDecode(p);
  assert.deepEqual(d.labels, [1, 1, 2]);
  assert.ok(Math.abs(d.charConfidence[0] - 0.75) < 1e-6);
  assert.ok(Math.abs(d.charConfidence[1] - 0.6) < 1e-6);
  assert.ok(Math.abs(d.charConfidence[2] - 0.8) < 1e-6);
  assert.ok(Math.abs(d.lineConfidence - (0.75 + 0.6 + 0.8) / 3) < 1e-6);
});

test('greedy decoding ignores padded frames', () => {
  const p = post([
    [0.1, 0.9],
    [0.9, 0.1],
    [0.1, 0.9],
  ]);
  assert.deepEqual(greedyDecode({ ...p, length: 2 }).labels, [1]);
});

test('beam search finds the most probable labelling where best path does not', () => {
  // Best path is "blank blank" (0.6·0.6 = 0.36) but "a" sums over three alignments:
  // a-a, a-blank, blank-a = 0.4·0.4 + 0.4·0.6 + 0.6·0.4 = 0.64.
  const p = post([
    [0.6, 0.4],
    [0.6, 0.4],
  ]);
  assert.deepEqual(greedyDecode(p).labels, []);
  const b = beamDecode(p, 4);
  assert.deepEqual(b.labels, [1]);
  assert.equal(b.charConfidence.length, 1);
});

test('beam search agrees with greedy on peaked posteriors', () => {
  const rows = [
    [0.05, 0.9, 0.05],
    [0.9, 0.05, 0.05],
    [0.05, 0.9, 0.05],
    [0.05, 0.05, 0.9],
  ];
  assert.deepEqual(beamDecode(post(rows), 5).labels, greedyDecode(post(rows)).labels);
});

test('alignment confidence gives low confidence to a character the model barely saw', () => {
  const p = post([
    [0.1, 0.85, 0.05],
    [0.6, 0.1, 0.3],
    [0.9, 0.05, 0.05],
  ]);
  const conf = alignmentConfidence(p, [1, 2]);
  assert.ok(conf[0] > 0.8 && conf[1] < 0.5, `got ${conf}`);
});
