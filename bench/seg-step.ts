// Seconds per training step of the segmentation network (seg-net.ts, trained by
// seg-train.ts as bench/train-segmenter.ts does: batch 4 of 288×288 crops by default) on one
// backend, in its own process (the backend is chosen once per process). Conv nets are
// where a GPU should help most. The pages are random ink with random target maps: a step's
// cost does not depend on what the pixels show. Prints one JSON line.
import { parseArgs } from 'node:util';
import { initBackend } from '../main/ml/backend.ts';
import { Rng } from '../main/ml/random.ts';
import { DEFAULT_SEG_CONFIG, SegNet } from '../main/ml/seg-net.ts';
import { DEFAULT_SEG_TRAIN, trainSegNet, type SegSample } from '../main/ml/seg-train.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    steps: { type: 'string', default: '3' },
    batch: { type: 'string', default: String(DEFAULT_SEG_TRAIN.batchSize) },
    crop: { type: 'string', default: String(DEFAULT_SEG_TRAIN.crop) },
  },
});
const info = await initBackend(values.backend);
const steps = Number(values.steps);
const batchSize = Number(values.batch);
const crop = Number(values.crop);

const rng = new Rng(11);
const side = crop + 64;
const samples: SegSample[] = Array.from({ length: 2 }, () => ({
  width: side,
  height: side,
  image: Uint8Array.from({ length: side * side }, () => rng.int(0, 256)),
  targets: Uint8Array.from({ length: side * side }, () => rng.int(0, 16)),
}));
const net = new SegNet(DEFAULT_SEG_CONFIG, 1);
// The first step is warm-up (shader compilation, kernel set-up); the others are timed.
const times: number[] = [];
const losses = await trainSegNet(net, samples, {
  steps: steps + 1,
  batchSize,
  crop,
  warmupSteps: 1,
  onStep: () => void times.push(performance.now()),
});
const stepSeconds = (times[steps] - times[0]) / 1000 / steps;
const result = {
  backend: info.name,
  batch: batchSize,
  crop,
  steps,
  stepSeconds,
  cropsPerSecond: batchSize / stepSeconds,
  finalLoss: losses[losses.length - 1],
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
