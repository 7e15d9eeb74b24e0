// The generated handwriting's hands: which fonts a run uses, and that every one of them draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELD_OUT_FONTS, MORE_TRAINING_FONTS, TRAINING_FONTS, synthLine, trainingHands } from '../../../bench/synth/handwriting.ts';

test('the first ten hands are the original training hands, so earlier results keep their data', () => {
  assert.deepEqual(trainingHands(10), [...TRAINING_FONTS]);
  assert.deepEqual(trainingHands(3), TRAINING_FONTS.slice(0, 3));
});

test('all training hands are distinct and none is held out', () => {
  const all = trainingHands(TRAINING_FONTS.length + MORE_TRAINING_FONTS.length);
  assert.equal(new Set(all).size, all.length);
  for (const f of HELD_OUT_FONTS) assert.ok(!all.includes(f as never), `${f} is held out`);
});

test('asking for no hands, a fraction or more hands than there are names the range', () => {
  const most = TRAINING_FONTS.length + MORE_TRAINING_FONTS.length;
  for (const n of [0, 2.5, most + 1]) assert.throws(() => trainingHands(n), new RegExp(`1 to ${most}, not ${n}`));
});

test('every hand writes a line with ink on it, wider than tall', () => {
  for (const font of [...TRAINING_FONTS, ...MORE_TRAINING_FONTS, ...HELD_OUT_FONTS]) {
    const line = synthLine(7, 0, { fonts: [font], digitShare: 0 });
    assert.equal(line.font, font);
    const { width, height, data } = line.image;
    assert.ok(width > height, `${font}: ${width}×${height}`);
    let dark = 0;
    for (let i = 0; i < data.length; i++) if (data[i] < 128) dark++;
    assert.ok(dark > width, `${font}: only ${dark} dark pixels`);
  }
});
