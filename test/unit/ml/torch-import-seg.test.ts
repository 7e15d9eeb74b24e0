// The segmenter trained in PyTorch (bench/seg/torch_train_seg.py) reaches Quire through a
// .qw file. A tiny U-Net written by that script (levels 4/8/8, five steps) and the logits
// PyTorch computed for the middle 58×42 of two validation pages (padded to the stride, so
// the padding is held too):
//   python3 bench/seg/torch_train_seg.py --pack .gpu-seg --out /tmp/tiny --device cpu --levels 4,8,8 \
//     --crop 64 --batch 4 --steps 5 --max-pages 8 --threads 1 --dump-logits 2 --dump-crop 58x42
// Quire's engine, fed as the app feeds a page, must compute the same logits, which holds the
// layouts (HWIO kernels, the decoder's [upsampled, skip] order, the pooling and upsampling,
// the page normalisation) to PyTorch's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../main/ml/backend.ts';
import { largestSegLogitDifference, readSegQw, type TorchSegLogits } from '../../../bench/seg/torch-seg-weights.ts';

const fixture = (name: string) => new URL(`../../fixtures/torch-import-seg/${name}`, import.meta.url).pathname;

test('a PyTorch-trained segmenter reads page crops as PyTorch did', async () => {
  await initBackend();
  const { net, header } = readSegQw(fixture('tiny.qw'));
  assert.deepEqual(header.config, { levels: [4, 8, 8], outputs: 4 });
  assert.equal(header.pageSize, 640);
  const pages = JSON.parse(readFileSync(fixture('logits.json'), 'utf8')) as TorchSegLogits[];
  assert.equal(pages.length, 2);
  const worst = largestSegLogitDifference(net, pages);
  assert.ok(worst < 1e-4, `largest logit difference ${worst}`);
  // The check can fail: the same weights with one decoder kernel shifted read otherwise.
  const kernel = net.weights.get('dec1/kernel')!;
  kernel.assign(kernel.add(0.05));
  assert.ok(largestSegLogitDifference(net, pages) > 1e-3);
  net.dispose();
});

test("a segmenter's .qw file that does not fit the network is refused, naming the file and weight", () => {
  const bytes = readFileSync(fixture('tiny.qw'));
  const n = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + n).toString('utf8'));
  header.config.levels = [4, 8, 16];
  const text = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(text.length);
  const bad = join(tmpdir(), `quire-bad-seg-${process.pid}.qw`);
  writeFileSync(bad, Buffer.concat([length, text, bytes.subarray(4 + n)]));
  assert.throws(
    () => readSegQw(bad),
    (e: Error) => e.message.includes(bad) && e.message.includes('enc2/kernel'),
  );
});
