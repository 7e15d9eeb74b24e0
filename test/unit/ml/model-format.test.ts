// Model files written by earlier versions of Quire keep loading and reading the same: a tiny
// model saved in the format of before the 48 px networks (32 px input) is committed with the
// logits it gave then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { loadModel } from '../../../main/ml/checkpoint.ts';
import { frameMask, widthStride } from '../../../main/ml/model.ts';
import { formatFixtureInput } from '../../fixtures/models/format-fixture-input.ts';

const fixture = (name: string) => new URL(`../../fixtures/models/${name}`, import.meta.url).pathname;

test('a model file of the format before 48 px networks loads with its input settings and reads as it did', async () => {
  await initBackend('cpu');
  const saved = loadModel(fixture('format-v1.qmodel'));
  assert.equal(saved.model.config.height, 32);
  assert.deepEqual(saved.codec.chars, ['a', 'b', 'c', ' ']);
  const expected = JSON.parse(readFileSync(fixture('format-v1.expected.json'), 'utf8')) as { shape: number[]; logits: number[] };
  const { images, shape, lengths } = formatFixtureInput(saved.model.config.height);
  const logits = tf.tidy(() =>
    saved.model.logits(tf.tensor4d(images, shape), frameMask(lengths, shape[2] / widthStride(saved.model.config))),
  );
  assert.deepEqual(logits.shape, expected.shape);
  const got = logits.dataSync();
  const worst = expected.logits.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i])), 0);
  assert.ok(worst < 1e-4, `logits differ by up to ${worst}`);
  logits.dispose();
  saved.model.dispose();
});
