// The character language model against hand-computed Witten-Bell values, its normalisation,
// its file, and the decoder that fuses it with CTC posteriors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharLm, LINE_END, MixedLm } from '../../../main/ml/char-lm.ts';
import { greedyDecode, type Posteriors } from '../../../main/ml/decode.ts';
import { beamDecode, lmBeamDecode } from '../../../main/ml/lm-decode.ts';
import { Rng } from '../../../main/ml/random.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('Witten-Bell probabilities of a bigram model match the formula worked by hand', () => {
  // "ab": vocabulary {a, b, end} (3) plus one unseen slot, so the uniform floor is 1/4.
  // Unigrams a, b, end once each: P1(x) = (1 + 3 · 1/4) / (3 + 3) = 1.75 / 6.
  const lm = CharLm.train(['ab'], 2);
  const p1 = 1.75 / 6;
  close(Math.exp(lm.logProb('a', 'b')), (1 + 1 * p1) / 2); // context "a": b once, one type
  close(Math.exp(lm.logProb('a', 'a')), (0 + 1 * p1) / 2);
  close(Math.exp(lm.logProb('b', LINE_END)), (1 + p1) / 2);
  // An unseen context falls back to the unigrams, an unseen character to the floor.
  close(Math.exp(lm.logProb('z', 'a')), p1);
  close(Math.exp(lm.logProb('z', 'q')), (0 + 3 * 0.25) / 6);
  // Only the last order-1 characters count.
  close(lm.logProb('zzza', 'b'), lm.logProb('a', 'b'));
});

test('every context distributes exactly one unit of probability (pruned or not)', () => {
  const texts = ['le notaire soussigné', 'la maison de Paris', 'le 12 mai 1843', 'les héritiers de feu', 'maison sise à Lyon'];
  for (const minCount of [1, 2]) {
    const lm = CharLm.train(texts, 5, { minCount });
    const vocabulary = [...new Set(texts.join('') + LINE_END)];
    for (const before of ['', 'le ', 'la mai', 'zzz', 'de feu', 'Paris']) {
      const total = [...vocabulary, '\u{1F600}'].reduce((s, ch) => s + Math.exp(lm.logProb(before, ch)), 0);
      close(total, 1, 1e-9);
    }
  }
  assert.ok(CharLm.train(texts, 5, { minCount: 2 }).info.ngrams < CharLm.train(texts, 5).info.ngrams, 'pruning drops rare n-grams');
});

test("a project's language mixed in is the weighted mean of the two models' probabilities", () => {
  const general = CharLm.train(['la maison de Paris', 'le notaire'], 4);
  const project = CharLm.train(['Paris de Paris', 'la notaire', 'le maison'], 3); // the same characters
  for (const share of [0, 0.3, 1]) {
    const mixed = new MixedLm(general, project, share);
    assert.equal(mixed.order, 4);
    for (const ch of ['r', 'a', 'i', LINE_END])
      close(
        Math.exp(mixed.logProb('Pe', ch)),
        share * Math.exp(project.logProb('Pe', ch)) + (1 - share) * Math.exp(general.logProb('Pe', ch)),
      );
    // Over the characters both models know (and one stranger), the mixture sums to one.
    const both = [...new Set('la maison de Paris le notaire' + LINE_END)];
    const stranger = '\u{1F600}';
    close(
      [...both, stranger].reduce((s, ch) => s + Math.exp(mixed.logProb('Pa', ch)), 0),
      1,
      1e-9,
    );
  }
  assert.ok(new MixedLm(general, project, 0.3).logProb('Pe', 'r') > general.logProb('Pe', 'r'));
  assert.throws(() => new MixedLm(general, project, 1.5), /λ must lie in \[0, 1\]/);
});

test('a model trained on a language prefers its lines to scrambled ones', () => {
  const texts = Array.from({ length: 50 }, (_, i) => `le ${i} mai le notaire a reçu la somme`);
  const lm = CharLm.train(texts, 4);
  assert.ok(lm.lineLogProb('le notaire a reçu') > lm.lineLogProb('el ntoaier a rçeu') + 10);
});

test('the file round-trips and a bad file is refused with its name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quire-lm-'));
  const lm = CharLm.train(['abc abd', 'bcd'], 3, { meta: { sources: ['x'] } });
  lm.save(join(dir, 'a.qlm'));
  const back = CharLm.load(join(dir, 'a.qlm'));
  for (const [before, ch] of [
    ['ab', 'c'],
    ['', 'b'],
    ['x', 'd'],
    ['bc', LINE_END],
  ])
    close(back.logProb(before, ch), lm.logProb(before, ch));
  assert.deepEqual(back.info, lm.info);
  writeFileSync(join(dir, 'bad.qlm'), 'not gzip');
  assert.throws(() => CharLm.load(join(dir, 'bad.qlm')), /bad\.qlm: not a Quire language model/);
});

/** Posteriors from rows of probabilities (each row sums to 1). */
function post(rows: number[][]): Posteriors {
  return { logProbs: Float32Array.from(rows.flat(), Math.log), length: rows.length, classes: rows[0].length };
}

test('with weight 0 the language-model decoder is the plain prefix beam search', () => {
  const rng = new Rng(3);
  const lm = CharLm.train(['abc'], 3);
  for (let n = 0; n < 20; n++) {
    const rows = Array.from({ length: 12 }, () => {
      const r = [0, 1, 2, 3].map(() => rng.next() + 0.05);
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((x) => x / s);
    });
    const p = post(rows);
    const plain = beamDecode(p, 6);
    const fused = lmBeamDecode(p, { lm, chars: ['', 'a', 'b', 'c'], weight: 0, bonus: 0, beamWidth: 6, minProb: 0 });
    assert.deepEqual(fused.labels, plain.labels);
  }
});

test('the language model settles a letter the posteriors leave open', () => {
  // Classes: blank, o, n, u. The second letter is u by a hair in the image; the language
  // has "on" fifteen times as often as "ou".
  const lm = CharLm.train([...Array(30).fill('on'), 'ou', 'ou'], 3);
  const rows = [
    [0.05, 0.9, 0.03, 0.02],
    [0.9, 0.05, 0.03, 0.02],
    [0.1, 0.02, 0.43, 0.45],
    [0.9, 0.02, 0.04, 0.04],
  ];
  const chars = ['', 'o', 'n', 'u'];
  assert.deepEqual(greedyDecode(post(rows)).labels, [1, 3]);
  const d = lmBeamDecode(post(rows), { lm, chars, weight: 1, bonus: 0, beamWidth: 8 });
  assert.deepEqual(d.labels, [1, 2]);
  assert.equal(d.charConfidence.length, 2);
  // A clear image wins over the language: "ou" written plainly stays "ou".
  const clear = rows.map((r, t) => (t === 2 ? [0.05, 0.01, 0.01, 0.93] : r));
  assert.deepEqual(lmBeamDecode(post(clear), { lm, chars, weight: 0.5, bonus: 0, beamWidth: 8 }).labels, [1, 3]);
});
