// Trains Quire's base recognizer on real manuscripts: the training collections of
// sources.ts (prepared by prepare-lines.ts) plus a share of generated lines in the
// training hands, validated on pages of the same collections; the held-out collections'
// test lines are read at every evaluation for the curve only (never to choose a model).
//   npx tsx bench/real/train-base.ts --shape h48s8 --steps 20000 --out out/base-real.qmodel --curve docs/results/base-real-curve.csv
//   (add --resume to continue from <out>.ckpt after an interruption; the same data order
//   and optimizer state, so the curve goes on as if never stopped)
//   --from FILE.qmodel starts from a trained model instead (its shape and line height; its
//   charset grown to the real lines' characters, learned columns kept)
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '../../main/ml/backend.ts';
import { loadModel, loadTrainingCheckpoint, saveModel, saveTrainingCheckpoint } from '../../main/ml/checkpoint.ts';
import { extendCharset } from '../../main/ml/extend-charset.ts';
import { toLineTensor } from '../../main/ml/line-image.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { train } from '../../main/ml/train.ts';
import { evaluateLines } from '../../main/ml/line-reader.ts';
import { augmentView } from '../../main/ml/seqclr/augment.ts';
import type { LineSource, Sample } from '../../main/ml/data.ts';
import { synthLine, trainingHands } from '../synth/handwriting.ts';
import { REAL_CONFIGS } from './configs.ts';
import { corpusAt, spread } from './corpus.ts';
import type { PackedLine } from './line-pack.ts';
import { trainingCredits } from './sources.ts';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: 'out/real-lines' },
    shape: { type: 'string', default: 'h48s8' },
    steps: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '0.0015' },
    warmup: { type: 'string', default: '500' },
    // One generated line for every this many real ones: letterforms of 45 more hands.
    'synthetic-share': { type: 'string', default: '0.1' },
    'eval-every': { type: 'string', default: '500' },
    'eval-lines': { type: 'string', default: '400' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string', default: String(availableParallelism()) },
    out: { type: 'string', default: 'out/base-real.qmodel' },
    curve: { type: 'string' },
    resume: { type: 'boolean', default: false },
    from: { type: 'string' },
  },
});
const start = args.from ? loadModel(args.from) : undefined;
const shape = start?.model.config ?? REAL_CONFIGS[args.shape!];
if (!shape) throw new Error(`unknown shape ${args.shape} (known: ${Object.keys(REAL_CONFIGS).join(', ')})`);
const steps = Number(args.steps);
const seed = Number(args.seed);
const evalEvery = Number(args['eval-every']);
const corpus = corpusAt(args.lines!, shape.height);
// A starting model keeps its classes first, so what it learned stays where it was.
const codec = start ? start.codec.extendedWith(corpus.codec.chars) : corpus.codec;
const sampleOf = (l: PackedLine): Sample => ({ text: l.text, image: corpus.image(l) });

// Generated lines whose text the real charset can write, in all 45 training hands.
const hands = trainingHands(45);
const syntheticCount = Math.round(corpus.train.length * Number(args['synthetic-share']));
const synthetic = (k: number): Sample => {
  for (let attempt = 0; ; attempt++) {
    const l = synthLine(seed * 31 + attempt, k, { fonts: hands });
    if (codec.missing(l.text).length === 0) return { text: l.text, image: toLineTensor(l.image, shape.height) };
  }
};
const source: LineSource = {
  size: corpus.train.length + syntheticCount,
  get: (i) => (i < corpus.train.length ? sampleOf(corpus.train[i]) : synthetic(i - corpus.train.length)),
};
const evalLines = Number(args['eval-lines']);
const validation = spread(corpus.validation, evalLines).map(sampleOf);
const heldOut = [...corpus.heldOut].map(([name, h]) => ({ name, lines: spread(h.test, evalLines / 2).map(sampleOf) }));

const backend = await initBackend();
const checkpointPath = `${args.out}.ckpt`;
const resumed = args.resume && existsSync(checkpointPath) ? loadTrainingCheckpoint(checkpointPath) : undefined;
const model =
  resumed?.model ??
  (start ? extendCharset(start.model, start.codec, codec, seed) : new Recognizer({ ...shape, classes: codec.classes }, seed));
if (resumed && resumed.codec.chars.join('') !== codec.chars.join(''))
  throw new Error(`${checkpointPath}: its charset differs from the prepared lines'`);
mkdirSync(dirname(args.out!), { recursive: true });
if (resumed) console.log(`resuming at step ${resumed.state.step} from ${checkpointPath}`);
else if (args.curve) writeFileSync(args.curve, `step,seconds,loss,valid_cer,${heldOut.map((h) => `${h.name}_cer`).join(',')}\n`);
console.log(
  `backend ${backend.name}; ${args.from ? `from ${args.from} (${shape.height} px)` : `shape ${args.shape}`}; ${corpus.train.length} real + ${syntheticCount} generated training lines (${corpus.droppedForCharset} dropped for rare characters); charset ${codec.classes - 1}; validation ${validation.length}; held-out ${heldOut.map((h) => `${h.name} ${h.lines.length}`).join(', ')}`,
);
const previousSeconds =
  resumed && args.curve && existsSync(args.curve)
    ? Number(readFileSync(args.curve, 'utf8').trim().split('\n').at(-1)!.split(',')[1]) || 0
    : 0;
const started = performance.now() - previousSeconds * 1000;
const credits = trainingCredits();
const threads = Number(args.threads);
const heldOutCers = async () => {
  const cers: number[] = [];
  for (const h of heldOut) cers.push((await evaluateLines(model, codec, backend.name, h.lines, threads)).cer);
  return cers;
};
// Where training starts from a model, the curve starts with what it reads before.
if (start && !resumed) {
  const valid = (await evaluateLines(model, codec, backend.name, validation, threads)).cer;
  const held = await heldOutCers();
  if (args.curve) appendFileSync(args.curve, `0,0,,${valid.toFixed(4)},${held.map((c) => c.toFixed(4)).join(',')}\n`);
  console.log(`step 0 valid CER ${valid.toFixed(4)} held-out ${held.map((c) => c.toFixed(4)).join(' ')}`);
}
let lossSum = 0;
let lossCount = 0;
const result = await train(
  model,
  codec,
  { train: source, validation },
  {
    steps,
    batchSize: Number(args.batch),
    learningRate: Number(args.lr),
    warmupSteps: Number(args.warmup),
    seed,
    validateEvery: evalEvery,
    patience: 0,
    checkpointEvery: evalEvery,
    threads,
    resume: resumed?.state,
    onCheckpoint: (state) => {
      saveTrainingCheckpoint(checkpointPath, model, codec, state);
    },
    augment: (img, rng) => augmentView(img, rng, 0.5),
    onProgress: async (p) => {
      lossSum += p.loss;
      lossCount++;
      if (p.step % 50 === 0)
        console.log(`step ${p.step} loss ${(lossSum / lossCount).toFixed(3)} (${p.linesPerSecond.toFixed(1)} lines/s)`);
      if (p.step % evalEvery !== 0 && p.step !== steps) return;
      const held = await heldOutCers();
      const seconds = (performance.now() - started) / 1000;
      if (args.curve)
        appendFileSync(
          args.curve,
          `${p.step},${seconds.toFixed(0)},${(lossSum / lossCount).toFixed(4)},${p.validation?.cer.toFixed(4) ?? ''},${held.map((c) => c.toFixed(4)).join(',')}\n`,
        );
      console.log(
        `step ${p.step}/${steps} ${seconds.toFixed(0)}s valid CER ${p.validation?.cer.toFixed(4)} held-out ${held.map((c) => c.toFixed(4)).join(' ')}`,
      );
      lossSum = lossCount = 0;
      saveModel(args.out!, model, codec, {
        validCer: p.validation?.cer,
        heldOutCer: Object.fromEntries(heldOut.map((h, i) => [h.name, held[i]])),
        step: p.step,
        trainedOn: credits,
        startedFrom: args.from ?? null,
      });
    },
  },
);
console.log(
  JSON.stringify({
    status: result.status,
    steps: result.state.step,
    validCer: result.validation?.cer,
    seconds: Math.round((performance.now() - started) / 1000),
  }),
);
