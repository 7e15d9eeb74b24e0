import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCounter, alignTokens, cer, wer } from '../../../main/ml/metrics.ts';

test('CER counts substitutions, insertions and deletions over reference characters', () => {
  assert.equal(cer('kitten', 'sitting'), 3 / 6);
  assert.equal(cer('abc', 'abc'), 0);
  assert.equal(cer('abc', ''), 1);
  assert.equal(cer('', 'x'), 1);
});

test('CER compares NFC forms, so composed and decomposed accents are equal', () => {
  assert.equal(cer('caf\u00e9', 'cafe\u0301'), 0);
});

test('WER works on whitespace-separated words', () => {
  assert.equal(wer('the quick brown fox', 'the quack brown  fox'), 1 / 4);
  assert.equal(wer('a b', 'a b c'), 1 / 2);
});

test('alignment lists the confusions in order', () => {
  const { distance, errors } = alignTokens([...'ſtraße'], [...'straſe']);
  assert.equal(distance, 2);
  assert.deepEqual(errors, [
    { ref: 'ſ', hyp: 's' },
    { ref: 'ß', hyp: 'ſ' },
  ]);
});

test('ErrorCounter totals characters over lines and ranks confusions', () => {
  const c = new ErrorCounter();
  c.add('aaaa', 'aaab');
  c.add('ab', 'bb');
  const r = c.report();
  assert.equal(r.chars, 6);
  assert.equal(r.charErrors, 2);
  assert.equal(r.cer, 2 / 6);
  assert.deepEqual(r.confusions[0], { ref: 'a', hyp: 'b', count: 2 });
});

test('the counts of parts of the lines, merged in order, report exactly what one counter over all the lines reports', () => {
  const pairs: Array<[string, string]> = [
    ['ſtraße zu', 'straſe zu'],
    ['aaaa', 'aaab'],
    ['Müller', 'Muller'],
    ['ab', 'bb'],
    ['x y z', 'x  z'],
    ['', 'q'],
    ['ſtraße', 'strasse'],
  ];
  const whole = new ErrorCounter();
  for (const [r, h] of pairs) whole.add(r, h);
  const merged = new ErrorCounter();
  for (const part of [pairs.slice(0, 3), pairs.slice(3, 4), pairs.slice(4)]) {
    const c = new ErrorCounter();
    for (const [r, h] of part) c.add(r, h);
    // As an answer through Redis: plain JSON.
    merged.merge(JSON.parse(JSON.stringify(c.counts())));
  }
  assert.deepEqual(merged.report(), whole.report());
  assert.deepEqual(merged.report(50), whole.report(50));
  assert.deepEqual(merged.counts(), whole.counts());
});
