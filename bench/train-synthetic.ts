// Trains a recognizer from scratch on generated handwriting (training hands only) and
// reports CER on lines of held-out hands. The documented engine run in docs/engine.md:
//   npx tsx bench/train-synthetic.ts --steps 5000 --out out/synthetic.qmodel --curve docs/results/engine-curve.csv
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { augmentView } from '../main/ml/seqclr/augment.ts';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '../main/ml/backend.ts';
import { loadTrainingCheckpoint, saveModel, saveTrainingCheckpoint } from '../main/ml/checkpoint.ts';
import type { LineSource, Sample } from '../main/ml/data.ts';
import { toLineTensor } from '../main/ml/line-image.ts';
import { DEFAULT_CONFIG, Recognizer } from '../main/ml/model.ts';
import { train } from '../main/ml/train.ts';
import { evaluate } from '../main/ml/recognize.ts';
import { HELD_OUT_FONTS, TRAINING_FONTS, synthLine, syntheticCharset, type SynthOptions } from './synth/handwriting.ts';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '0.0015' },
    height: { type: 'string', default: String(DEFAULT_CONFIG.height) },
    'eval-every': { type: 'string', default: '250' },
    'eval-lines': { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'out/synthetic.qmodel' },
    curve: { type: 'string' },
    threads: { type: 'string', default: String(availableParallelism()) },
    augment: { type: 'string', default: '0.5' },
    // Continue an interrupted run from `<out>.ckpt` (written every eval interval): same data
    // order and optimizer state, so the curve goes on as if never stopped.
    resume: { type: 'boolean', default: false },
  },
});
const steps = Number(args.steps);
const height = Number(args.height);
const seed = Number(args.seed);

const sample = (s: number, i: number, o?: SynthOptions): Sample => {
  const l = synthLine(s, i, o);
  return { text: l.text, image: toLineTensor(l.image, height) };
};
const stream: LineSource = { size: Infinity, get: (i) => sample(seed, i, { fonts: TRAINING_FONTS }) };
const evalLines = Number(args['eval-lines']);
const validation = Array.from({ length: evalLines }, (_, i) => sample(seed + 1000, i, { fonts: TRAINING_FONTS }));
const heldOut = Array.from({ length: evalLines }, (_, i) => sample(seed + 2000, i, { fonts: HELD_OUT_FONTS, digitShare: 0 }));

const backend = await initBackend();
const codec = syntheticCharset();
const checkpointPath = `${args.out}.ckpt`;
const resumed = args.resume && existsSync(checkpointPath) ? loadTrainingCheckpoint(checkpointPath) : undefined;
const model = resumed?.model ?? new Recognizer({ ...DEFAULT_CONFIG, height, classes: codec.classes }, seed);
mkdirSync(dirname(args.out!), { recursive: true });
if (resumed) console.log(`resuming at step ${resumed.state.step} from ${checkpointPath}`);
else if (args.curve) {
  mkdirSync(dirname(args.curve), { recursive: true });
  writeFileSync(args.curve, 'step,seconds,loss,valid_cer,heldout_cer\n');
}
console.log(`backend ${backend.name}; charset ${codec.classes - 1} characters; ${steps} steps of ${args.batch} lines`);
// After a resume the time axis continues from the curve's last row.
const previousSeconds =
  resumed && args.curve && existsSync(args.curve)
    ? Number(readFileSync(args.curve, 'utf8').trim().split('\n').at(-1)!.split(',')[1]) || 0
    : 0;
const started = performance.now() - previousSeconds * 1000;
let lossSum = 0;
let lossCount = 0;
const evalEvery = Number(args['eval-every']);
const result = await train(
  model,
  codec,
  { train: stream, validation },
  {
    steps,
    batchSize: Number(args.batch),
    learningRate: Number(args.lr),
    warmupSteps: 200,
    seed,
    validateEvery: evalEvery,
    patience: 0,
    checkpointEvery: evalEvery,
    threads: Number(args.threads),
    resume: resumed?.state,
    onCheckpoint: (state) => {
      saveTrainingCheckpoint(checkpointPath, model, codec, state);
    },
    // The SeqCLR augmentations (contrast, blur, sharpening, small crops, light affine) at half
    // strength widen the range of hands the training set covers.
    augment: Number(args.augment) > 0 ? (img, rng) => augmentView(img, rng, Number(args.augment)) : undefined,
    onProgress: (p) => {
      lossSum += p.loss;
      lossCount++;
      if (p.step % evalEvery !== 0 && p.step !== steps) return;
      const held = evaluate(model, codec, heldOut);
      const seconds = (performance.now() - started) / 1000;
      const line = `${p.step},${seconds.toFixed(0)},${(lossSum / lossCount).toFixed(4)},${p.validation?.cer.toFixed(4) ?? ''},${held.cer.toFixed(4)}`;
      console.log(
        `step ${p.step}/${steps} ${seconds.toFixed(0)}s loss ${(lossSum / lossCount).toFixed(3)} valid CER ${p.validation?.cer.toFixed(4)} held-out CER ${held.cer.toFixed(4)} (${p.linesPerSecond.toFixed(1)} lines/s)`,
      );
      if (args.curve) appendFileSync(args.curve, line + '\n');
      lossSum = lossCount = 0;
      saveModel(args.out!, model, codec, { validCer: p.validation?.cer, heldOutCer: held.cer, step: p.step, backend: backend.name });
    },
  },
);
const held = evaluate(model, codec, heldOut);
console.log(
  JSON.stringify({
    status: result.status,
    steps: result.state.step,
    validCer: result.validation?.cer,
    heldOutCer: held.cer,
    heldOutWer: held.wer,
    confusions: held.confusions.slice(0, 8),
    seconds: Math.round((performance.now() - started) / 1000),
  }),
);
