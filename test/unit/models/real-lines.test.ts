// What the bundled base model reads on real handwriting it never saw: 32 test lines of the
// two held-out collections (test/fixtures/real-lines, CC BY 4.0), decoded as the app
// decodes line images. The bar is the bundled model's: the GPU-trained base
// (docs/results/base-real.md, "GPU run") reads 34 % CER here, the first real base 43 %, the
// font-trained base before it 78 %, a broken loader or inverted ink ~96 %. Lower it as the
// base model improves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initBackend } from '../../../main/ml/backend.ts';
import { loadModel } from '../../../main/ml/checkpoint.ts';
import { decodeGray } from '../../../main/images/decode.ts';
import { toLineTensor } from '../../../main/ml/line-image.ts';
import { evaluateLines } from '../../../main/ml/line-reader.ts';
import { BASE_MODEL_FILE } from '../../../main/models/base-model.ts';

const BUNDLED_REAL_CER_BAR = 0.4;
const dir = new URL('../../fixtures/real-lines/', import.meta.url);

test('the bundled base model reads held-out real handwriting within its bar', async () => {
  const backend = await initBackend();
  const { model, codec } = loadModel(BASE_MODEL_FILE);
  const index = JSON.parse(readFileSync(new URL('lines.json', dir), 'utf8')) as Array<{ file: string; text: string; source: string }>;
  assert.equal(new Set(index.map((l) => l.source)).size, 2, 'both held-out collections');
  const samples = await Promise.all(
    index.map(async (l) => {
      const file = new URL(l.file, dir);
      return { text: l.text, image: toLineTensor(await decodeGray(l.file, readFileSync(file)), model.config.height) };
    }),
  );
  const report = await evaluateLines(model, codec, backend.name, samples, 2);
  console.log(
    `bundled base model on ${samples.length} held-out real lines: CER ${(100 * report.cer).toFixed(1)} %, WER ${(100 * report.wer).toFixed(1)} %`,
  );
  assert.ok(report.cer < BUNDLED_REAL_CER_BAR, `CER ${report.cer.toFixed(3)}`);
  model.dispose();
});
