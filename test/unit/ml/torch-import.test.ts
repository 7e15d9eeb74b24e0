// The recognizer trained in PyTorch (bench/real/torch_train_base.py, the base model's GPU
// run) reaches Quire through a .qw file. A tiny network written by that script (4-8 filters,
// 8 LSTM units, a few steps) and the logits PyTorch computed for two real lines: Quire's
// engine must read the same pixels to the same logits, which holds the weight layouts (HWIO
// kernels, [in, 4U] LSTM kernels, summed LSTM biases, gate order, the row-major stacking of
// the feature map, the backward LSTM's start) to PyTorch's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../main/ml/backend.ts';
import { largestLogitDifference, readQw, type TorchLogits } from '../../../bench/real/torch-weights.ts';

const fixture = (name: string) => new URL(`../../fixtures/torch-import/${name}`, import.meta.url).pathname;

test('a PyTorch-trained recognizer reads real lines as PyTorch did', async () => {
  await initBackend();
  const { model, codec } = readQw(fixture('tiny.qw'));
  assert.equal(codec.classes, model.config.classes);
  const lines = JSON.parse(readFileSync(fixture('logits.json'), 'utf8')) as TorchLogits[];
  const worst = largestLogitDifference(model, lines);
  assert.ok(worst < 1e-4, `largest logit difference ${worst}`);
  // The check can fail: the same weights with one LSTM bias shifted read otherwise.
  const bias = model.weights.get('lstm1/bw/bias')!;
  bias.assign(bias.add(0.5));
  assert.ok(largestLogitDifference(model, lines) > 1e-3);
  model.dispose();
});

test('a .qw file that does not fit the network is refused, naming the file and weight', () => {
  const bytes = readFileSync(fixture('tiny.qw'));
  const n = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + n).toString('utf8'));
  header.config.lstmUnits = 16;
  const text = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(text.length);
  const bad = join(tmpdir(), `quire-bad-${process.pid}.qw`);
  writeFileSync(bad, Buffer.concat([length, text, bytes.subarray(4 + n)]));
  assert.throws(
    () => readQw(bad),
    (e: Error) => e.message.includes(bad) && e.message.includes('lstm0/fw/kernel'),
  );
});
