// The fine-tuning sample shared by the project's segmenter job and the fine-tuning bench: a
// full-size page is scaled to the model's page size as inference scales it, and its lines'
// targets land where the scaled page shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finetuneSample, finetuneSegNet } from '../../../main/layout/seg-finetune.ts';
import { initBackend } from '../../../main/ml/backend.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { SEGMENTER_TRAINING_DEFAULTS } from '../../../shared/training-defaults.ts';
import { shrinkTo } from '../../../main/layout/seg-infer.ts';
import { BIT } from '../../../main/layout/seg-targets.ts';

test('finetuneSample: the page as inference shrinks it, its line and baseline scaled with it', () => {
  const width = 1280;
  const height = 640;
  const data = new Uint8Array(width * height).fill(230);
  // An ink stroke where the line is, so the shrunk image can be checked too.
  for (let y = 300; y < 340; y++) for (let x = 200; x < 1000; x++) data[y * width + x] = 20;
  const page = { width, height, data };
  const line = {
    polygon: [
      [200, 280],
      [1000, 280],
      [1000, 360],
      [200, 360],
    ] as Array<[number, number]>,
    baseline: [
      [200, 340],
      [1000, 340],
    ] as Array<[number, number]>,
    region: 'main' as const,
  };
  const s = finetuneSample(page, [line], [], 640);
  assert.equal(s.width, 640);
  assert.equal(s.height, 320);
  assert.deepEqual(s.image, shrinkTo(page, 640).data);
  const at = (x: number, y: number) => s.targets[y * s.width + x];
  // Inside the line (half the page's coordinates), its baseline band, and main text there.
  assert.ok(at(300, 150) & BIT.line);
  assert.ok(at(300, 150) & BIT.main);
  assert.ok(at(300, 170) & BIT.baseline);
  assert.ok(!(at(300, 150) & BIT.baseline));
  // Outside it, where the full-size coordinates would have put the line on a page of half the size, nothing.
  assert.equal(at(550, 150), 0);
  assert.equal(at(300, 250), 0);
  assert.equal(at(50, 150), 0);
});

test('fine-tuning defaults: 100 steps at 1e-3, as the K-page bench chose them, are what the job trains with', async () => {
  assert.equal(SEGMENTER_TRAINING_DEFAULTS.steps, 100);
  assert.equal(SEGMENTER_TRAINING_DEFAULTS.learningRate, 1e-3);
  await initBackend();
  const net = new SegNet({ levels: [4, 8], outputs: 4 }, 3);
  const page = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(220) };
  const sample = finetuneSample(page, [], [], 64);
  const rates: number[] = [];
  // No rate given, as the job gives none unless asked: the default's, reached after the warm-up.
  const losses = await finetuneSegNet(net, [sample], {
    steps: 10,
    crop: 32,
    batchSize: 1,
    threads: 1,
    onStep: (_s, _l, lr) => rates.push(lr),
  });
  net.dispose();
  assert.equal(losses.length, 10);
  assert.ok(Math.abs(Math.max(...rates) - 1e-3) < 1e-9, `peak learning rate ${Math.max(...rates)}`);
});
