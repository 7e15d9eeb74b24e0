// The segmentation network trains on a tiny page set (loss falls), and a saved model
// reloads to the same predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Point } from '../../../main/io/layout.ts';
import { initBackend } from '../../../main/ml/backend.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { trainSegNet, type SegSample } from '../../../main/ml/seg-train.ts';
import { segTargets } from '../../../main/layout/seg-targets.ts';
import { loadSegmenter, saveSegmenter } from '../../../main/layout/seg-model-file.ts';
import { segmentWithModel } from '../../../main/layout/seg-infer.ts';
import { Rng } from '../../../main/ml/random.ts';

await initBackend();
const TINY = { levels: [4, 8, 8], outputs: 4 };

/** A 48×48 page with dark bars of "writing" and their true lines. */
function tinyPage(seed: number): SegSample {
  const rng = new Rng(seed);
  const width = 48;
  const height = 48;
  const image = new Uint8Array(width * height).fill(220);
  const lines = [];
  for (let y = 8 + rng.int(0, 3); y + 4 < height; y += 10) {
    const x0 = rng.int(2, 10);
    const x1 = rng.int(30, 46);
    for (let yy = y - 3; yy < y; yy++) for (let x = x0; x < x1; x++) if (rng.next() < 0.7) image[yy * width + x] = 40;
    lines.push({
      polygon: [
        [x0, y - 4],
        [x1, y - 4],
        [x1, y + 1],
        [x0, y + 1],
      ] as Point[],
      baseline: [
        [x0, y],
        [x1, y],
      ] as Point[],
      region: 'main' as const,
    });
  }
  return { width, height, image, targets: segTargets(width, height, lines, []) };
}

test('the segmentation network trains a few steps on a tiny page set and its loss falls', async () => {
  const net = new SegNet(TINY, 3);
  const samples = [1, 2, 3, 4].map(tinyPage);
  const losses = await trainSegNet(net, samples, { steps: 40, batchSize: 2, crop: 32, learningRate: 1e-2, warmupSteps: 5 });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(losses.every(Number.isFinite));
  assert.ok(mean(losses.slice(-5)) < 0.7 * mean(losses.slice(0, 5)), `loss ${mean(losses.slice(0, 5))} → ${mean(losses.slice(-5))}`);
  net.dispose();
});

test('a saved segmentation model reloads to the same predictions, and segments a page into scaled lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quire-seg-'));
  try {
    const net = new SegNet(TINY, 5);
    const file = join(dir, 'm.qseg');
    saveSegmenter(file, net, 48, { note: 'test' });
    const loaded = loadSegmenter(file);
    assert.equal(loaded.header.pageSize, 48);
    const x = tf.randomUniform([1, 32, 32, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(net.logits(x), loaded.net.logits(x)))).dataSync()[0]);
    assert.ok(diff < 1e-6);
    // A page four times the model's size: whatever the untrained net finds lies inside the page.
    const page = { width: 192, height: 160, data: new Uint8Array(192 * 160).fill(200) };
    const out = segmentWithModel(loaded, page);
    for (const l of out.lines) for (const [px, py] of l.polygon) assert.ok(px >= 0 && px <= 192 && py >= 0 && py <= 160);
    assert.throws(() => loadSegmenter(join(dir, 'missing.qseg')));
    x.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
