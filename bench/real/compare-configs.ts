// Chooses the recognizer's input height and network with numbers: trains each shape of
// configs.ts for the same steps on the same real lines (same seed, same batches) and
// reports training speed, reading speed and validation CER.
//   npx tsx bench/real/compare-configs.ts --configs h32s4,h48s4,h48s8,h64s8 --steps 1500 --out docs/results/real-configs.md
// Lines come from the packs of prepare-lines.ts; a 32 px shape reads the 64 px pack halved.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { appendFileSync, writeFileSync } from 'node:fs';
import { initBackend } from '../../main/ml/backend.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { train } from '../../main/ml/train.ts';
import { evaluateLines } from '../../main/ml/line-reader.ts';
import { augmentView } from '../../main/ml/seqclr/augment.ts';
import type { LineSource, Sample } from '../../main/ml/data.ts';
import { REAL_CONFIGS } from './configs.ts';
import { corpusAt, spread } from './corpus.ts';
import type { PackedLine } from './line-pack.ts';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: 'out/real-lines' },
    configs: { type: 'string', default: 'h32s4,h48s4,h48s8,h64s8' },
    steps: { type: 'string', default: '1500' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '0.0015' },
    'eval-lines': { type: 'string', default: '400' },
    threads: { type: 'string', default: String(availableParallelism()) },
    out: { type: 'string' },
  },
});

const backend = await initBackend();
const rows: string[] = [];
const header =
  '| shape | height | px per frame | parameters | train lines/s | read lines/s | validation CER | held-out CER (' +
  'mean of collections) |';
if (args.out)
  writeFileSync(
    args.out,
    `# Recognizer shapes on real lines\n\n\`npx tsx bench/real/compare-configs.ts --configs ${args.configs} --steps ${args.steps}\` (${backend.name}, ${args.threads} threads)\n\n${header}\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n`,
  );
for (const name of args.configs!.split(',')) {
  const shape = REAL_CONFIGS[name];
  if (!shape) throw new Error(`unknown shape ${name} (known: ${Object.keys(REAL_CONFIGS).join(', ')})`);
  const corpus = corpusAt(args.lines!, shape.height);
  const sample = (l: PackedLine): Sample => ({ text: l.text, image: corpus.image(l) });
  const source: LineSource = { size: corpus.train.length, get: (i) => sample(corpus.train[i]) };
  const validation = spread(corpus.validation, Number(args['eval-lines'])).map(sample);
  const heldOut = [...corpus.heldOut.values()].map((h) => spread(h.test, Number(args['eval-lines']) / 2).map(sample));
  const model = new Recognizer({ ...shape, classes: corpus.codec.classes }, 1);
  const parameters = [...model.weights.values()].reduce((n, v) => n + v.size, 0);
  const started = performance.now();
  const result = await train(
    model,
    corpus.codec,
    { train: source, validation },
    {
      steps: Number(args.steps),
      batchSize: Number(args.batch),
      learningRate: Number(args.lr),
      warmupSteps: 200,
      seed: 1,
      validateEvery: 0,
      patience: 0,
      checkpointEvery: 0,
      threads: Number(args.threads),
      augment: (img, rng) => augmentView(img, rng, 0.5),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const readStart = performance.now();
  const valid = await evaluateLines(model, corpus.codec, backend.name, validation, Number(args.threads));
  const readRate = validation.length / ((performance.now() - readStart) / 1000);
  const held: number[] = [];
  for (const h of heldOut) held.push((await evaluateLines(model, corpus.codec, backend.name, h, Number(args.threads))).cer);
  const row = `| ${name} | ${shape.height} | ${shape.conv.reduce((s, l) => s * l.pool[1], 1)} | ${(parameters / 1e6).toFixed(2)} M | ${((result.state.step * Number(args.batch)) / seconds).toFixed(1)} | ${readRate.toFixed(1)} | ${(valid.cer * 100).toFixed(1)} % | ${((held.reduce((a, b) => a + b, 0) / held.length) * 100).toFixed(1)} % |`;
  console.log(row);
  rows.push(row);
  if (args.out) appendFileSync(args.out, row + '\n');
  model.dispose();
  corpus.pack.close();
}
