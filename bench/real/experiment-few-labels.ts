// The few-labels experiment: what an archivist gets from ~100 transcribed lines. For each
// held-out real collection (other writers than the base model saw) and for generated lines
// in held-out hands, one row per way of using the labels, with the same fine-tuning step
// budget per row, over several seeds, CER on the collection's test lines:
//   base        the base model as it is (zero-shot)
//   scratch     a new network trained on the labeled lines only
//   finetune    the base model fine-tuned on the labeled lines
//   seqclr      the base model's encoder pretrained with SeqCLR on the unlabeled lines, then fine-tuned
//   semi        self-training from the base model: labeled + confident readings of the unlabeled lines
//   seqclr+semi both
//   all         the base model fine-tuned on every line of the pool labeled (upper bound)
// Finished runs are cached (out/few-labels-runs/), so the grid can grow over several sittings;
// a run in progress checkpoints beside them (every --checkpoint-every steps) and a command
// started again continues it where it stopped (after a kill or a session's end).
//   npm run experiment:few-labels -- --base out/base-real.qmodel --seeds 3
//   npm run experiment:few-labels -- --quick      (minutes: checks the pipeline, not the result)
// The labeled lines are drawn at random by the seed, or (`--label-choice suggested`) are the
// lines the app would propose to annotate (main/jobs/suggest.ts: the base model's least
// confident readings, spread over pages); then the seed varies the training only.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { initBackend } from '../../main/ml/backend.ts';
import { loadModel, saveModel } from '../../main/ml/checkpoint.ts';
import { DEFAULT_LOOP_OPTIONS } from '../../main/ml/training-loop.ts';
import { evaluateLines } from '../../main/ml/line-reader.ts';
import { toLineTensor } from '../../main/ml/line-image.ts';
import { Rng } from '../../main/ml/random.ts';
import { readLinesOnce } from '../../main/ml/line-reader.ts';
import { proposeLines } from '../../main/jobs/suggest.ts';
import { leastConfidentOf } from '../../main/db/predictions.ts';
import { HELD_OUT_FONTS, synthLine } from '../synth/handwriting.ts';
import { corpusAt, spread } from './corpus.ts';
import { loadRunCheckpoint, removeRunCheckpoint } from './run-checkpoint.ts';
import { runRow, ROWS, SEMI_DEFAULTS, type Collection, type Row, type RunSettings } from './few-labels-rows.ts';

const DEFAULT_LEARNING_RATE = DEFAULT_LOOP_OPTIONS.learningRate;

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    base: { type: 'string', default: 'resources/models/base.qmodel' },
    lines: { type: 'string', default: 'out/real-lines' },
    collections: { type: 'string', default: 'alix-tz+peraire-ground-truth,HTR-United+CREMMA-MSS-19,synthetic' },
    rows: { type: 'string', default: ROWS.join(',') },
    labels: { type: 'string', default: '100' },
    // random (by the seed) or suggested (the lines the app proposes to annotate).
    'label-choice': { type: 'string', default: 'random' },
    steps: { type: 'string', default: '1000' },
    lr: { type: 'string', default: String(DEFAULT_LEARNING_RATE) },
    'pretrain-steps': { type: 'string', default: '500' },
    // Unlabeled lines used by SeqCLR and self-training (a random subset of the pool, for time).
    unlabeled: { type: 'string', default: '1000' },
    'test-lines': { type: 'string', default: '300' },
    // The semi rows' rounds and threshold (few-labels-rows.ts SEMI_DEFAULTS).
    'semi-rounds': { type: 'string', default: String(SEMI_DEFAULTS.semiRounds) },
    'semi-threshold': { type: 'string', default: String(SEMI_DEFAULTS.semiThreshold) },
    'semi-labeled-share': { type: 'string', default: String(SEMI_DEFAULTS.semiLabeledShare) },
    seeds: { type: 'string', default: '3' },
    // The first of the seeds (a later sitting adds seeds 2 and 3 to a row run with seed 1).
    'first-seed': { type: 'string', default: '1' },
    threads: { type: 'string', default: String(availableParallelism()) },
    out: { type: 'string' },
    // Where each trained run's model is saved (FILE per collection, row and seed), to be read
    // again without retraining (e.g. decoding experiments); not saved by default.
    'keep-models': { type: 'string' },
    // Steps between a run's checkpoints (each ~40 MB written: weights and Adam's moments).
    'checkpoint-every': { type: 'string', default: '50' },
  },
});
const quick = a.quick!;
const settings: RunSettings = {
  labels: quick ? 20 : Number(a.labels),
  steps: quick ? 6 : Number(a.steps),
  pretrainSteps: quick ? 4 : Number(a['pretrain-steps']),
  unlabeled: quick ? 40 : Number(a.unlabeled),
  threads: Number(a.threads),
  learningRate: Number(a.lr),
  semiRounds: Number(a['semi-rounds']),
  semiThreshold: Number(a['semi-threshold']),
  semiLabeledShare: Number(a['semi-labeled-share']),
};
const testLines = quick ? 24 : Number(a['test-lines']);
const seeds = quick ? 1 : Number(a.seeds);
const firstSeed = Number(a['first-seed']);
const outFile = a.out ?? (quick ? 'out/few-labels-quick.md' : 'docs/results/few-labels.md');
const rows = a.rows!.split(',') as Row[];
const labelChoice = a['label-choice']!;
if (labelChoice !== 'random' && labelChoice !== 'suggested') throw new Error(`--label-choice is random or suggested, not ${labelChoice}`);
for (const r of rows) if (!ROWS.includes(r)) throw new Error(`unknown row ${r} (rows: ${ROWS.join(', ')})`);

const backend = await initBackend();
const baseBytes = readFileSync(a.base!);
const baseHash = createHash('sha256').update(baseBytes).digest('hex').slice(0, 12);
const height = loadModel(a.base!).model.config.height;

/** The held-out collection's pool (labeled + unlabeled) and test lines, at the base model's height. */
type HeldOut = Collection & { poolPages: string[] };

function collection(name: string): HeldOut {
  if (name === 'synthetic') {
    const line = (seed: number, i: number) => {
      const l = synthLine(seed, i, { fonts: [...HELD_OUT_FONTS], digitShare: 0 });
      return { text: l.text, image: toLineTensor(l.image, height) };
    };
    const poolSize = settings.labels + settings.unlabeled;
    return {
      name,
      pool: Array.from({ length: poolSize }, (_, i) => line(5000, i)),
      // Generated lines have no pages: twenty to a "page", for the proposal's spread.
      poolPages: Array.from({ length: poolSize }, (_, i) => `synthetic-${Math.floor(i / 20)}`),
      test: Array.from({ length: testLines }, (_, i) => line(6000, i)),
    };
  }
  const corpus = corpusAt(a.lines!, height);
  const lines = corpus.heldOut.get(name);
  if (!lines) throw new Error(`no held-out collection ${name} in ${a.lines} (have: ${[...corpus.heldOut.keys()].join(', ')})`);
  const sample = (l: (typeof lines.pool)[number]) => ({ text: l.text, image: corpus.image(l) });
  return { name, pool: lines.pool.map(sample), poolPages: lines.pool.map((l) => l.page), test: spread(lines.test, testLines).map(sample) };
}

/** The pool lines the app would propose to annotate first: the base model reads the pool (suggest.ts's choice). */
async function suggestedLabels(c: HeldOut): Promise<number[]> {
  const base = loadModel(a.base!);
  try {
    const images = c.pool.map((s) => s.image);
    const readings = (await readLinesOnce(base.model, base.codec, backend.name, images, { threads: settings.threads }))!;
    const candidates = readings.map((r, i) => ({
      pageId: c.poolPages[i],
      lineId: i,
      // As the app ranks predictions: a line's least sure character.
      confidence: leastConfidentOf(r.charConfidence, r.confidence),
    }));
    return proposeLines(candidates, settings.labels).map((l) => l.lineId);
  } finally {
    base.model.dispose();
  }
}

interface RunResult {
  cer: number;
  wer: number;
  seconds: number;
  pseudoLabeled?: number[];
}
const cacheDir = 'out/few-labels-runs';
mkdirSync(cacheDir, { recursive: true });
const key = (c: string, r: Row, seed: number) => {
  const h = createHash('sha256')
    .update(
      // The semi rows' method changed in the third sitting (few-labels-rows.ts): version 3.
      JSON.stringify({
        baseHash,
        // The default learning rate stays out of the key, so runs from before --lr still count.
        settings: {
          ...settings,
          threads: undefined,
          learningRate: settings.learningRate === DEFAULT_LEARNING_RATE ? undefined : settings.learningRate,
          // Likewise the semi rows' defaults, and they never touch another row's key.
          semiRounds: r.includes('semi') && settings.semiRounds !== SEMI_DEFAULTS.semiRounds ? settings.semiRounds : undefined,
          semiThreshold: r.includes('semi') && settings.semiThreshold !== SEMI_DEFAULTS.semiThreshold ? settings.semiThreshold : undefined,
          semiLabeledShare:
            r.includes('semi') && settings.semiLabeledShare !== SEMI_DEFAULTS.semiLabeledShare ? settings.semiLabeledShare : undefined,
        },
        testLines,
        c,
        r,
        seed,
        semi: r.includes('semi') ? 3 : undefined,
        // Another pack (e.g. lines cut along their baselines) is another run; the default keeps old keys.
        lines: a.lines === 'out/real-lines' ? undefined : a.lines,
        // Suggested labels are other runs; random ones keep the keys of before the option.
        labelChoice: labelChoice === 'random' ? undefined : labelChoice,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, `${c}-${r}-s${seed}-${h}.json`);
};

const results = new Map<string, RunResult[]>();
const collectionsDone: Array<{ name: string; pool: number; test: number }> = [];
for (const name of a.collections!.split(',')) {
  const c = collection(name);
  // Computed when a run needs it (cached runs do not), once per collection.
  let suggested: Promise<number[]> | undefined;
  collectionsDone.push({ name, pool: c.pool.length, test: c.test.length });
  for (const row of rows) {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const file = key(name, row, seed);
      let r: RunResult;
      if (existsSync(file)) {
        r = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
      } else {
        const checkpoint = file.replace(/\.json$/, '.ckpt.qmodel');
        const resume = loadRunCheckpoint(checkpoint);
        if (resume)
          console.log(`${name} ${row} seed ${seed}: resuming at ${resume.stage} step ${resume.state.step} (${resume.seconds} s so far)`);
        const started = performance.now();
        const seconds = () => (resume?.seconds ?? 0) + (performance.now() - started) / 1000;
        // Which lines are labeled depends on the seed, so seeds vary the labels as well
        // (unless they are the suggested ones); the unlabeled lines are drawn from the rest.
        const shuffled = new Rng(seed * 7717).shuffle([...c.pool.keys()]);
        const chosen = labelChoice === 'suggested' ? await (suggested ??= suggestedLabels(c)) : shuffled.slice(0, settings.labels);
        const order = [...chosen, ...shuffled.filter((i) => !chosen.includes(i))];
        const labeled = order.slice(0, settings.labels).map((i) => c.pool[i]);
        const unlabeled = order
          .slice(settings.labels, settings.labels + settings.unlabeled)
          .map((i) => ({ id: i, image: c.pool[i].image }));
        const run = await runRow(row, loadModel(a.base!), { labeled, unlabeled, all: c.pool }, settings, seed, {
          path: checkpoint,
          every: quick ? 2 : Number(a['checkpoint-every']),
          seconds,
          resume,
          log: (line) => console.log(`${name} ${row} seed ${seed}: ${line}`),
        });
        const report = await evaluateLines(run.model, run.codec, backend.name, c.test, settings.threads);
        r = {
          cer: report.cer,
          wer: report.wer,
          seconds: Math.round(seconds()),
          pseudoLabeled: run.pseudoLabeled,
        };
        if (a['keep-models'] && row !== 'base') {
          mkdirSync(a['keep-models'], { recursive: true });
          saveModel(join(a['keep-models'], basename(file, '.json') + '.qmodel'), run.model, run.codec, { cer: r.cer, row, seed });
        }
        run.model.dispose();
        writeFileSync(file, JSON.stringify(r));
        removeRunCheckpoint(checkpoint);
      }
      console.log(`${name} ${row} seed ${seed}: CER ${(r.cer * 100).toFixed(1)} % (${r.seconds} s)`);
      results.set(`${name}/${row}`, [...(results.get(`${name}/${row}`) ?? []), r]);
    }
  }
}

const pct = (xs: number[]) => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return xs.length > 1 ? `${(m * 100).toFixed(1)} ± ${(sd * 100).toFixed(1)} %` : `${(m * 100).toFixed(1)} %`;
};
const command = `npm run experiment:few-labels -- ${process.argv.slice(2).join(' ')}`.trim();
const table = [
  `| collection | ${rows.join(' | ')} |`,
  `| --- | ${rows.map(() => '---:').join(' | ')} |`,
  ...collectionsDone.map(
    (c) =>
      `| ${c.name} (pool ${c.pool}, test ${c.test}) | ${rows.map((r) => pct(results.get(`${c.name}/${r}`)!.map((x) => x.cer))).join(' | ')} |`,
  ),
];
const times = collectionsDone.map(
  (c) =>
    `${c.name}: ${rows.map((r) => `${r} ${Math.round(results.get(`${c.name}/${r}`)!.reduce((s, x) => s + x.seconds, 0) / seeds)} s`).join(', ')}`,
);
writeFileSync(
  outFile,
  [
    '# Few labels: CER on held-out collections',
    '',
    `\`${command}\``,
    '',
    `Base model \`${a.base}\` (sha256 ${baseHash}…, line height ${height} px), backend ${backend.name}, ${settings.threads} threads. ` +
      `${settings.labels} labeled lines per seed (${labelChoice === 'suggested' ? "the lines the app proposes to annotate: the base model's least confident readings, spread over pages" : 'chosen at random from the pool by the seed'}), ${settings.unlabeled} unlabeled lines for SeqCLR and self-training ` +
      `(${settings.semiRounds} rounds, threshold ${settings.semiThreshold}` +
      `${settings.semiLabeledShare ? `, human lines at least ${settings.semiLabeledShare} of each round's lines` : ''}), ` +
      `${settings.steps} fine-tuning steps of 16 lines for every row that trains (SeqCLR adds ${settings.pretrainSteps} pretraining steps before them), ` +
      `${seeds} seed${seeds > 1 ? 's' : ''} (mean ± standard deviation). CER on the collection's test lines (never labeled, never read during training).`,
    '',
    ...table,
    '',
    'Wall-clock per run (mean over seeds):',
    '',
    ...times.map((t) => `- ${t}`),
    '',
  ].join('\n'),
);
console.log(`wrote ${outFile}`);
