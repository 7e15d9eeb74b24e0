// Confidence against error of a model's readings on the held-out collections' pool lines
// (an archivist's project: never their test lines): for each threshold, how many lines a
// self-training round would take and how wrong their readings are. Chooses the few-labels
// experiment's pseudo-label threshold (docs/results/few-labels.md).
//   npx tsx bench/real/confidence-calibration.ts [MODEL.qmodel]
import { initBackend } from '../../main/ml/backend.ts';
import { loadModel } from '../../main/ml/checkpoint.ts';
import { readLinesOnce } from '../../main/ml/line-reader.ts';
import { corpusAt } from './corpus.ts';
import { cer } from '../../main/ml/metrics.ts';
const backend = await initBackend();
const corpus = corpusAt('out/real-lines', 48);
const { model, codec } = loadModel(process.argv[2] ?? 'resources/models/base.qmodel');
for (const [name, h] of corpus.heldOut) {
  const lines = h.pool.slice(0, 600);
  const readings = (await readLinesOnce(
    model,
    codec,
    backend.name,
    lines.map((l) => corpus.image(l)),
    { threads: 2, batchSize: 32 },
  ))!;
  for (const t of [0.6, 0.7, 0.8, 0.85, 0.9, 0.95]) {
    let e = 0,
      n = 0,
      k = 0;
    readings.forEach((r, i) => {
      if (r.confidence >= t && r.text.trim()) {
        k++;
        e += cer(lines[i].text, r.text) * lines[i].text.length;
        n += lines[i].text.length;
      }
    });
    console.log(name, 't', t, 'selected', k, 'of', lines.length, 'CER of selected', (e / Math.max(1, n)).toFixed(3));
  }
}
