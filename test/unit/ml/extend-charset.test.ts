import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { Codec } from '../../../main/ml/codec.ts';
import { extendCharset } from '../../../main/ml/extend-charset.ts';
import { Recognizer, frameMask } from '../../../main/ml/model.ts';
import { TINY } from '../../helpers/tiny-model.ts';

await initBackend();

test('extending the charset keeps every learned output and adds the new characters', async () => {
  const old = new Codec([...'abc']);
  const grown = old.extendedWith([...'cdſ']);
  assert.deepEqual(grown.chars, [...'abcdſ']);
  const model = new Recognizer({ ...TINY, classes: old.classes }, 5);
  const bigger = extendCharset(model, old, grown);
  assert.equal(bigger.config.classes, 6);
  const x = tf.randomUniform([2, 32, 64, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const mask = frameMask([16, 10], 16);
  const before = await model.logits(x, mask).data();
  const after = await bigger.logits(x, mask).data();
  for (let i = 0; i < 2 * 16; i++) {
    for (let c = 0; c < 4; c++) assert.ok(Math.abs(before[i * 4 + c] - after[i * 6 + c]) < 1e-5, `frame ${i} class ${c}`);
  }
  assert.throws(() => extendCharset(model, old, new Codec([...'xyz'])), /must start with the old one/);
});
