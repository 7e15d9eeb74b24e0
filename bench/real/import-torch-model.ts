// Turns the weights written by bench/real/torch_train_base.py (.qw: a JSON header with
// config, charset and tensor manifest, then float32s in model.ts's names and layouts) into
// a Quire .qmodel, and checks the two engines agree before anything is saved:
//   --check logits.json   lines the PyTorch run read one at a time (pixels and logits):
//                         Quire's engine reads the same pixels, and the largest logit
//                         difference must stay under --tolerance;
//   --lines DIR           also reads the validation and held-out test lines of the
//                         prepared real lines (bench/real/corpus.ts) and prints their CER.
//   npx tsx bench/real/import-torch-model.ts OUT/final.qw --check OUT/logits.json --out out/base-gpu.qmodel --lines out/real-lines
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../../main/ml/backend.ts';
import { saveModel } from '../../main/ml/checkpoint.ts';
import { evaluateLines } from '../../main/ml/line-reader.ts';
import { corpusAt, spread } from './corpus.ts';
import { trainingCredits } from './sources.ts';
import { largestLogitDifference, readQw, type TorchLogits } from './torch-weights.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    check: { type: 'string' },
    tolerance: { type: 'string', default: '1e-3' },
    lines: { type: 'string' },
    'eval-lines': { type: 'string', default: '400' },
    threads: { type: 'string', default: '2' },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: import-torch-model.ts FILE.qw [--check logits.json] [--out FILE.qmodel] [--lines DIR]');

const backend = await initBackend();
const { model, codec, header } = readQw(file);
console.log(`${file}: ${JSON.stringify(header.config)}; backend ${backend.name}`);

if (args.check) {
  const lines = JSON.parse(readFileSync(args.check, 'utf8')) as TorchLogits[];
  const worst = largestLogitDifference(model, lines);
  console.log(`parity: ${lines.length} lines, largest logit difference ${worst.toExponential(2)}`);
  if (!(worst <= Number(args.tolerance))) throw new Error(`the engines disagree: ${worst} > ${args.tolerance}`);
}

const metrics: Record<string, unknown> = { ...header.metrics, curve: undefined, trainedWith: 'bench/real/torch_train_base.py' };
if (args.lines) {
  const corpus = corpusAt(args.lines, model.config.height);
  if (corpus.codec.chars.join('') !== codec.chars.join('')) throw new Error(`${file}: its charset is not the prepared lines'`);
  const sample = (l: (typeof corpus.train)[number]) => ({ text: l.text, image: corpus.image(l) });
  const n = Number(args['eval-lines']);
  const threads = Number(args.threads);
  const valid = await evaluateLines(model, codec, backend.name, spread(corpus.validation, n).map(sample), threads);
  const heldOut: Record<string, number> = {};
  for (const [name, h] of corpus.heldOut)
    heldOut[name] = (await evaluateLines(model, codec, backend.name, spread(h.test, n / 2).map(sample), threads)).cer;
  console.log(`validation CER ${valid.cer.toFixed(4)}; held-out ${JSON.stringify(heldOut)}`);
  metrics.validCer = valid.cer;
  metrics.heldOutCer = heldOut;
}
if (args.out) {
  metrics.trainedOn = trainingCredits();
  saveModel(args.out, model, codec, JSON.parse(JSON.stringify(metrics)) as Record<string, unknown>);
  console.log(`saved ${args.out}`);
}
