// The segmentation network trains on a tiny page set (loss falls), and a saved model
// reloads to the same predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { trainSegNet } from '../../../main/ml/seg-train.ts';
import { loadSegmenter, saveSegmenter } from '../../../main/layout/seg-model-file.ts';
import { segmentWithModel } from '../../../main/layout/seg-infer.ts';
import { tinyPage } from '../../helpers/seg-pages.ts';

await initBackend();
const TINY = { levels: [4, 8, 8], outputs: 4 };

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
