// Does a character language model help the recognizer read a held-out collection?
// Trains the n-gram model on the training collections' transcriptions (never a held-out
// one), reads a collection's lines once per recognizer, and decodes the posteriors: best
// path, prefix beam search, and beam search fused with the language model over a grid of
// weights. The weights are chosen on calibration lines (pool lines outside the seed's
// labeled set, as an archivist's project would hold) and then scored on the test lines.
//
//   npx tsx bench/real/lm-decoding.ts --collection alix-tz+peraire-ground-truth \
//     --models resources/models/base.qmodel,out/few-labels-models/X.qmodel --seed 1
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '../../main/ml/backend.ts';
import { CharLm, MixedLm } from '../../main/ml/char-lm.ts';
import { loadModel } from '../../main/ml/checkpoint.ts';
import { greedyDecode, type Posteriors } from '../../main/ml/decode.ts';
import { lmBeamDecode } from '../../main/ml/lm-decode.ts';
import { ErrorCounter } from '../../main/ml/metrics.ts';
import { Rng } from '../../main/ml/random.ts';
import { posteriors } from '../../main/ml/recognize.ts';
import type { Recognizer } from '../../main/ml/model.ts';
import type { LineTensor } from '../../main/ml/line-image.ts';
import { corpusAt, spread } from './corpus.ts';
import { trainRealLm } from './train-lm.ts';

const { values: a } = parseArgs({
  options: {
    lines: { type: 'string', default: 'out/real-lines' },
    collection: { type: 'string', default: 'alix-tz+peraire-ground-truth' },
    models: { type: 'string', default: 'resources/models/base.qmodel' },
    seed: { type: 'string', default: '1' },
    labels: { type: 'string', default: '100' },
    'test-lines': { type: 'string', default: '300' },
    'calibration-lines': { type: 'string', default: '200' },
    order: { type: 'string', default: '6' },
    'min-count': { type: 'string', default: '2' },
    // Trained (bench/real/train-lm.ts) and written here when the file is missing.
    lm: { type: 'string', default: 'resources/models/base.qlm' },
    weights: { type: 'string', default: '0.1,0.2,0.3,0.4' },
    bonuses: { type: 'string', default: '0,0.5,1,1.5,2' },
    // Share of a language model of the seed's labeled lines mixed into the general one.
    'project-shares': { type: 'string', default: '0,0.3' },
    beam: { type: 'string', default: '8' },
    out: { type: 'string' },
  },
});

await initBackend();
const firstModel = loadModel(a.models!.split(',')[0]);
const height = firstModel.model.config.height;
firstModel.model.dispose();
const corpus = corpusAt(a.lines!, height);

let lm: CharLm;
if (existsSync(a.lm!)) {
  lm = CharLm.load(a.lm!);
} else {
  lm = trainRealLm(a.lines!, Number(a.order), Number(a['min-count']));
  mkdirSync(dirname(a.lm!), { recursive: true });
  lm.save(a.lm!);
}
console.log(`language model ${a.lm}: ${JSON.stringify({ ...lm.info, meta: undefined })}, ${(statSync(a.lm!).size / 1e6).toFixed(1)} MB`);

const held = corpus.heldOut.get(a.collection!);
if (!held) throw new Error(`no held-out collection ${a.collection}`);
// The experiment's labeled lines for this seed (experiment-few-labels.ts): kept out of calibration.
const order = new Rng(Number(a.seed) * 7717).shuffle([...held.pool.keys()]);
const calibration = spread(order.slice(Number(a.labels)), Number(a['calibration-lines'])).map((i) => held.pool[i]);
const test = spread(held.test, Number(a['test-lines']));
const projectLm = CharLm.train(
  order.slice(0, Number(a.labels)).map((i) => held.pool[i].text),
  Number(a.order),
);

interface Line {
  text: string;
  p: Posteriors;
}
function readAll(model: Recognizer, lines: typeof test): Line[] {
  const images: LineTensor[] = lines.map((l) => corpus.image(l));
  const byWidth = [...images.keys()].sort((x, y) => images[x].width - images[y].width);
  const out: Line[] = new Array(lines.length);
  for (let i = 0; i < byWidth.length; i += 16) {
    const idx = byWidth.slice(i, i + 16);
    const r = posteriors(
      model,
      idx.map((k) => images[k]),
    );
    const data = r.logProbs.dataSync() as Float32Array;
    r.logProbs.dispose();
    idx.forEach((k, n) => {
      out[k] = { text: lines[k].text, p: { logProbs: data.slice(n * r.T * r.C, (n + 1) * r.T * r.C), length: r.lengths[n], classes: r.C } };
    });
  }
  return out;
}

const rows: string[] = [];
for (const file of a.models!.split(',')) {
  const { model, codec } = loadModel(file);
  const started = performance.now();
  const cal = readAll(model, calibration);
  const tst = readAll(model, test);
  model.dispose();
  const readSeconds = (performance.now() - started) / 1000;
  const chars = ['', ...codec.chars];
  const cerOf = (lines: Line[], decode: (p: Posteriors) => number[]) => {
    const counter = new ErrorCounter();
    for (const l of lines) counter.add(l.text, codec.decode(decode(l.p)));
    return counter.report().cer;
  };
  const beamWidth = Number(a.beam);
  const mixed = new Map(a['project-shares']!.split(',').map((x) => [Number(x), new MixedLm(lm, projectLm, Number(x))]));
  const fused =
    (weight: number, bonus: number, share = 0) =>
    (p: Posteriors) =>
      lmBeamDecode(p, { lm: mixed.get(share) ?? lm, chars, weight, bonus, beamWidth }).labels;
  const t0 = performance.now();
  const greedy = { cal: cerOf(cal, (p) => greedyDecode(p).labels), test: cerOf(tst, (p) => greedyDecode(p).labels) };
  const beam = { cal: cerOf(cal, fused(0, 0)), test: cerOf(tst, fused(0, 0)) };
  const grid: Array<{ weight: number; bonus: number; share: number; cal: number }> = [];
  for (const share of mixed.keys())
    for (const weight of a.weights!.split(',').map(Number))
      for (const bonus of a.bonuses!.split(',').map(Number))
        grid.push({ weight, bonus, share, cal: cerOf(cal, fused(weight, bonus, share)) });
  const chosen = grid.reduce((x, y) => (y.cal < x.cal ? y : x));
  const t1 = performance.now();
  const chosenTest = cerOf(tst, fused(chosen.weight, chosen.bonus, chosen.share));
  const decodeMs = (performance.now() - t1) / tst.length;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(`${file}: read ${readSeconds.toFixed(0)} s, grid ${((t1 - t0) / 1000).toFixed(0)} s`);
  console.log(grid.map((g) => `  share ${g.share} w ${g.weight} b ${g.bonus}: calibration ${pct(g.cal)}`).join('\n'));
  const row = `| ${file} | ${pct(greedy.cal)} / ${pct(greedy.test)} | ${pct(beam.cal)} / ${pct(beam.test)} | ${chosen.weight}, ${chosen.bonus}, ${chosen.share} | ${pct(chosen.cal)} / **${pct(chosenTest)}** | ${decodeMs.toFixed(1)} ms |`;
  console.log(row);
  rows.push(row);
}
const table = [
  `${a.collection}: ${calibration.length} calibration lines (pool, not the seed's ${a.labels} labeled), ${test.length} test lines; CER calibration / test`,
  '',
  '| model | best path | beam ' + a.beam + ' | LM weight, bonus, project share (chosen on calibration) | beam + LM | decoding per line |',
  '| --- | ---: | ---: | --- | ---: | ---: |',
  ...rows,
].join('\n');
console.log(table);
if (a.out) writeFileSync(a.out, table + '\n');
