// Trains the segmentation network on the training collections of real ground truth
// (bench/seg/real-pages.ts; the held-out collections are never read here) and saves a
// .qseg model, from scratch or fine-tuning one (--from). Prints the loss every 25 steps and
// writes the curve as CSV.
//   npx tsx bench/train-segmenter.ts --steps 1200 --out resources/models/segmenter.qseg --curve docs/results/segmenter-curve.csv
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../main/ml/backend.ts';
import { DEFAULT_SEG_CONFIG, SegNet } from '../main/ml/seg-net.ts';
import { trainSegNet, type SegSample } from '../main/ml/seg-train.ts';
import { loadSegmenter, saveSegmenter } from '../main/layout/seg-model-file.ts';
import { TRAIN_COLLECTIONS } from './seg/real-pages.ts';
import { segSample, spreadPages } from './seg/seg-data.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1200' },
    'pages-per-collection': { type: 'string', default: '40' },
    'page-size': { type: 'string', default: '640' },
    batch: { type: 'string', default: '4' },
    crop: { type: 'string', default: '288' },
    lr: { type: 'string', default: '2e-3' },
    seed: { type: 'string', default: '1' },
    // Random scale of each crop, "min,max" (1,1: none).
    scale: { type: 'string', default: '1,1' },
    threads: { type: 'string', default: String(availableParallelism()) },
    out: { type: 'string', default: 'out/segmenter.qseg' },
    from: { type: 'string' },
    curve: { type: 'string', default: 'out/segmenter-curve.csv' },
  },
});
const pageSize = Number(values['page-size']);
const backend = await initBackend();
const t0 = performance.now();
const samples: SegSample[] = [];
const sources: Record<string, { pages: number; lines: number }> = {};
for (const collection of TRAIN_COLLECTIONS) {
  const source = (sources[collection] = { pages: 0, lines: 0 });
  for (const entry of spreadPages(collection, Number(values['pages-per-collection']))) {
    const s = await segSample(entry, pageSize);
    if (!s) continue;
    samples.push(s);
    source.pages++;
    source.lines += s.lines;
  }
  console.log(`${collection}: ${source.pages} pages, ${source.lines} lines`);
}
console.log(`data ready in ${((performance.now() - t0) / 1000).toFixed(0)} s; backend ${backend.name}`);
// --from FILE.qseg fine-tunes an existing model (e.g. the bundled one) instead of starting afresh.
const net = values.from ? loadSegmenter(values.from).net : new SegNet(DEFAULT_SEG_CONFIG, Number(values.seed));
const curve: string[] = ['step,seconds,loss,learning_rate'];
const start = performance.now();
let window: number[] = [];
const losses = await trainSegNet(net, samples, {
  steps: Number(values.steps),
  batchSize: Number(values.batch),
  crop: Number(values.crop),
  learningRate: Number(values.lr),
  seed: Number(values.seed),
  scale: values.scale!.split(',').map(Number) as [number, number],
  threads: Number(values.threads),
  onStep: (step, loss, lr) => {
    window.push(loss);
    if ((step + 1) % 25 === 0) {
      const mean = window.reduce((a, b) => a + b, 0) / window.length;
      const seconds = (performance.now() - start) / 1000;
      curve.push(`${step + 1},${seconds.toFixed(0)},${mean.toFixed(4)},${lr.toExponential(2)}`);
      console.log(`step ${step + 1}  loss ${mean.toFixed(4)}  lr ${lr.toExponential(2)}  ${seconds.toFixed(0)} s`);
      window = [];
      writeFileSync(values.curve, curve.join('\n') + '\n');
    }
    // A snapshot every 100 steps, to look at predictions while the run goes on.
    if ((step + 1) % 100 === 0) saveSegmenter(values.out.replace(/\.qseg$/, '.partial.qseg'), net, pageSize, { steps: step + 1 });
  },
});
const minutes = (performance.now() - start) / 60000;
saveSegmenter(values.out, net, pageSize, {
  steps: losses.length,
  finalLoss: losses.slice(-25).reduce((a, b) => a + b, 0) / Math.min(25, losses.length),
  trainingMinutes: Number(minutes.toFixed(1)),
  sources,
  trainedAt: new Date().toISOString(),
});
console.log(`saved ${values.out} after ${losses.length} steps in ${minutes.toFixed(1)} min`);
