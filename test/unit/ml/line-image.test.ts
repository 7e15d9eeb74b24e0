import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArraySource, batchIndices } from '../../../main/ml/data.ts';
import { makeBatch, resizeGray, toLineTensor } from '../../../main/ml/line-image.ts';

const gray = (width: number, height: number, f: (x: number, y: number) => number) => ({
  width,
  height,
  data: Uint8Array.from({ length: width * height }, (_, i) => f(i % width, Math.floor(i / width))),
});

test('toLineTensor scales to the model height, keeps the aspect ratio and makes ink 1, paper 0', () => {
  // Light paper (220) with a dark stroke (20) in the middle rows.
  const img = gray(200, 50, (_, y) => (y >= 20 && y < 30 ? 20 : 220));
  const t = toLineTensor(img, 32);
  assert.equal(t.height, 32);
  assert.equal(t.width, 128);
  assert.ok(Math.abs(t.data[0]) < 1e-6, 'paper is 0');
  assert.ok(t.data[16 * 128 + 64] > 0.95, 'ink is ~1');
});

test('resizeGray keeps a thin stroke visible when shrinking a lot', () => {
  const img = gray(400, 400, (x) => (x === 200 ? 0 : 255));
  const small = resizeGray(img, 20, 20);
  const row = Array.from(small.subarray(200, 220));
  // Area averaging gives the stroke its 1/20 share (≈242); point sampling would miss it (255).
  assert.ok(Math.min(...row) < 250, `the 1-pixel line survives: ${Math.min(...row)}`);
});

test('makeBatch pads to a multiple of the frame stride and records true widths', () => {
  const a = { width: 5, height: 2, data: new Float32Array(10).fill(1) };
  const b = { width: 9, height: 2, data: new Float32Array(18).fill(0.5) };
  const batch = makeBatch([a, b], 4);
  assert.deepEqual(batch.shape, [2, 2, 12, 1]);
  assert.deepEqual(batch.widths, [5, 9]);
  assert.equal(batch.images[5], 0, 'padding after line a');
  assert.equal(batch.images[4], 1);
});

test('batch indices depend only on seed and step, cover an epoch once, and group similar widths', () => {
  const source = new ArraySource(
    Array.from({ length: 64 }, (_, i) => ({ text: String(i), image: { width: (i * 37) % 101, height: 1, data: new Float32Array(0) } })),
  );
  const width = (i: number) => source.get(i).image.width;
  const epoch = Array.from({ length: 8 }, (_, s) => batchIndices(source, 8, 3, s, width));
  assert.deepEqual(
    epoch,
    Array.from({ length: 8 }, (_, s) => batchIndices(source, 8, 3, s, width)),
    'deterministic',
  );
  assert.deepEqual(
    epoch.flat().sort((a, b) => a - b),
    [...Array(64).keys()],
    'each line once per epoch',
  );
  for (const b of epoch) assert.ok(Math.max(...b.map(width)) - Math.min(...b.map(width)) < 40, 'similar widths together');
  assert.notDeepEqual(batchIndices(source, 8, 3, 8, width), epoch[0], 'the next epoch is reshuffled');
});
