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
import { makeSegBatch, pageStats, trainSegNet } from '../../../main/ml/seg-train.ts';
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

test('segmenter training on two threads takes the same steps as on one (data-parallel shards of whole crops)', async () => {
  const samples = [1, 2, 3, 4].map(tinyPage);
  const options = { steps: 3, batchSize: 3, crop: 32, learningRate: 1e-2, warmupSteps: 1 };
  const one = new SegNet(TINY, 3);
  const two = new SegNet(TINY, 3);
  const a = await trainSegNet(one, samples, { ...options, threads: 1 });
  const b = await trainSegNet(two, samples, { ...options, threads: 2 });
  a.forEach((loss, i) => assert.ok(Math.abs(loss - b[i]) < 1e-5 * Math.max(1, loss), `step ${i}: ${loss} vs ${b[i]}`));
  for (const [name, v] of one.weights) {
    const worst = tf.tidy(() => tf.max(tf.abs(tf.sub(v, two.weights.get(name)!))).dataSync()[0]);
    assert.ok(worst < 1e-4, `${name}: ${worst}`);
  }
  one.dispose();
  two.dispose();
});

/** A 64×64 page whose gray value and target bits depend on the column alone, with its stats. */
function columnPage(gray: (x: number) => number, bits: (x: number) => number) {
  const width = 64;
  const height = 64;
  const image = new Uint8Array(width * height);
  const targets = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      image[y * width + x] = gray(x);
      targets[y * width + x] = bits(x);
    }
  return { page: { width, height, image, targets }, stats: [pageStats(image)] };
}

test('scale augmentation samples image and targets from the same window', () => {
  // A page whose left half is ink with every target bit set, right half paper with none:
  // at any scale the crop's image and targets must still agree pixel by pixel.
  const { page, stats } = columnPage(
    (x) => (x < 32 ? 0 : 255),
    (x) => (x < 32 ? 0b1111 : 0),
  );
  let scaled = 0;
  for (let step = 0; step < 20; step++) {
    const { input, target } = makeSegBatch([page], stats, { batchSize: 1, crop: 16, seed: 1, scale: [0.5, 2] }, step, 4);
    let inkPixels = 0;
    for (let k = 0; k < 16 * 16; k++) {
      const ink = target[k * 4] === 1;
      if (ink) inkPixels++;
      // Ink normalises positive, paper negative (gain and shift cannot flip the sign here).
      if (Math.abs(input[k]) > 0.5) assert.equal(input[k] > 0, ink, `step ${step} pixel ${k}`);
      for (let m = 1; m < 4; m++) assert.equal(target[k * 4 + m], target[k * 4]);
    }
    if (inkPixels > 0 && inkPixels < 256) scaled++;
  }
  assert.ok(scaled > 0, 'some crops straddle the ink edge');
  // Without scaling the batch is the one of earlier runs (reproducible from old seeds).
  const plain = makeSegBatch([page], stats, { batchSize: 1, crop: 16, seed: 1 }, 0, 4);
  const unit = makeSegBatch([page], stats, { batchSize: 1, crop: 16, seed: 1, scale: [1, 1] }, 0, 4);
  assert.deepEqual(unit.input, plain.input);
});

test('a crop scale of 2 zooms in: each page column spans two crop columns in the targets, the image sampled linearly between', () => {
  // Targets alternate by column (bit 0 = column parity); the image rises by 2 per column.
  const { page, stats } = columnPage(
    (x) => x * 2,
    (x) => x & 1,
  );
  const crop = 16;
  const row = (a: Float32Array, y: number, maps: number) => Array.from({ length: crop }, (_, x) => a[(y * crop + x) * maps]);
  for (const [scale, run] of [
    [1, 1],
    [2, 2],
  ]) {
    const { input, target } = makeSegBatch([page], stats, { batchSize: 1, crop, seed: 3, scale: [scale, scale] }, 0, 1);
    const bits = row(target, 5, 1);
    // Runs of equal bits, all `run` long (the first may be cut by the window's edge).
    const runs: number[] = [];
    bits.forEach((b, x) => (x > 0 && b === bits[x - 1] ? runs[runs.length - 1]++ : runs.push(1)));
    assert.deepEqual(runs.slice(1, -1), Array(runs.length - 2).fill(run), `scale ${scale}: ${bits.join('')}`);
    // A linear image sampled bilinearly stays linear: equal steps between crop columns.
    const pixels = row(input, 5, 1);
    const steps = pixels.slice(1).map((v, x) => v - pixels[x]);
    for (const s of steps) assert.ok(Math.abs(s - steps[0]) < 1e-4 && Math.abs(s) > 1e-3, `scale ${scale}: steps ${steps.join(' ')}`);
  }
});
