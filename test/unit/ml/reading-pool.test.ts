// Reading on the worker pool must give readLines' readings exactly (same width buckets,
// same decoder), in input order, whatever thread read which batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../main/ml/backend.ts';
import { loadModel } from '../../../main/ml/checkpoint.ts';
import { toLineTensor } from '../../../main/ml/line-image.ts';
import { ReadingPool } from '../../../main/ml/reading-pool.ts';
import { readLines } from '../../../main/ml/recognize.ts';
import { HELD_OUT_FONTS, synthLine } from '../../../bench/synth/handwriting.ts';

const backend = await initBackend();

test('two threads read as one, in input order, greedy and beam', async () => {
  const { model, codec } = loadModel(new URL('../../../resources/models/base.qmodel', import.meta.url).pathname);
  // Widths deliberately unsorted: results must come back in input order.
  const images = Array.from({ length: 7 }, (_, i) =>
    synthLine(5151, i, { fonts: HELD_OUT_FONTS, minWords: 1 + (i % 3), maxWords: 1 + (i % 3) * 2, digitShare: 0 }),
  ).map((l) => toLineTensor(l.image, model.config.height));
  assert.ok(new Set(images.map((im) => im.width)).size > 3);
  const pool = await ReadingPool.start(model, codec, backend.name, 2);
  try {
    assert.equal(pool.threads, 2);
    for (const beam of [1, 4]) {
      const alone = readLines(model, codec, images, 2, beam);
      const pooled = await pool.readLines(images, 2, beam);
      assert.deepEqual(pooled, alone);
      assert.ok(
        alone.some((r) => r.text.length > 3),
        'the base model reads real text',
      );
    }
  } finally {
    await pool.stop();
  }
});

test('a worker that stops fails the reading at once instead of leaving it waiting', { timeout: 30_000 }, async () => {
  const { model, codec } = loadModel(new URL('../../../resources/models/base.qmodel', import.meta.url).pathname);
  const images = Array.from({ length: 6 }, (_, i) =>
    toLineTensor(synthLine(77, i, { minWords: 1, maxWords: 2, digitShare: 0 }).image, model.config.height),
  );
  const pool = await ReadingPool.start(model, codec, backend.name, 2);
  try {
    // The worker goes away (as after a crash) before the pool is asked to read.
    await (pool as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers[0].terminate();
    await assert.rejects(pool.readLines(images, 1), /reading worker stopped \(exit code 1\)/);
  } finally {
    await pool.stop();
  }
});
