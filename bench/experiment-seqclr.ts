// The SeqCLR comparison of the paper (Aberdam et al., 2021, tables 2–3) on generated
// handwriting: supervised-only vs. SimCLR-style (all-to-instance) vs. SeqCLR frame- and
// window-to-instance pretraining, each followed by decoder evaluation (frozen encoder) and
// by fine-tuning, with 5 % and 10 % of the lines labeled, over several seeds. All lines
// are used unlabeled for pretraining. Writes docs/results/seqclr.md.
//   npm run experiment:seqclr                 (the full run: hours on a 2-core CPU)
//   npm run experiment:seqclr -- --quick      (minutes: checks the pipeline, not the result)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../main/ml/backend.ts';
import { writeFileAtomic } from '../main/fs/atomic.ts';
import { ArraySource, type Sample } from '../main/ml/data.ts';
import { toLineTensor } from '../main/ml/line-image.ts';
import { Recognizer, type Part } from '../main/ml/model.ts';
import { loadModel, saveModel } from '../main/ml/checkpoint.ts';
import { evaluate } from '../main/ml/recognize.ts';
import { encoderParts, pretrain } from '../main/ml/seqclr/pretrain.ts';
import { PIPELINES, type PipelineName } from '../main/ml/seqclr/augment.ts';
import { train } from '../main/ml/train.ts';
import { Rng } from '../main/ml/random.ts';
import { HELD_OUT_FONTS, TRAINING_FONTS, synthLine, syntheticCharset, trainingHands } from './synth/handwriting.ts';
import {
  ALL_METHODS,
  NETWORK,
  encoderFile,
  modesOf as modesFor,
  runFile,
  type ExperimentSettings,
  type Method,
  type Mode,
} from './seqclr-runs.ts';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    lines: { type: 'string', default: '4000' },
    'pretrain-steps': { type: 'string', default: '1500' },
    'finetune-steps': { type: 'string', default: '1500' },
    seeds: { type: 'string', default: '3' },
    fractions: { type: 'string', default: '0.05,0.1' },
    out: { type: 'string' },
    // A subset of the rows by number (1 = supervised only … 5 = window T'=10, 6 = random encoder, probed only), for a partial run.
    methods: { type: 'string', default: '1,2,3,4,5' },
    // Which evaluations to run after pretraining: decoder (frozen encoder), finetune, lpft, or several.
    // lpft ("linear probe, then fine-tune", Kumar et al., ICLR 2022) spends the first --probe-steps of
    // the fine-tuning budget on the decoder alone, so a random decoder does not scramble the
    // pretrained features, then trains everything for the rest of the same budget.
    modes: { type: 'string', default: 'decoder,finetune' },
    'probe-steps': { type: 'string', default: '200' },
    // Runs of one seed and one method go to this many parallel processes. Each pretrains on one thread (as the
    // cached encoders were made), so on a 2-core machine two processes use both cores.
    jobs: { type: 'string', default: '1' },
    // Internal: a child process runs one seed (of the given methods) with this many threads and writes its raw results here.
    'only-seed': { type: 'string' },
    threads: { type: 'string' },
    raw: { type: 'string' },
    // Which augmentation pipeline pretraining uses (main/ml/seqclr/augment.ts): mild or strong.
    augmentations: { type: 'string', default: 'mild' },
    'augment-strength': { type: 'string', default: '1' },
    temperature: { type: 'string', default: '0.1' },
    // How many training hands the lines are written in (10 to 45): the paper's datasets have hundreds of writers.
    hands: { type: 'string', default: String(TRAINING_FONTS.length) },
    // List each (seed, method) run with its cache file and whether it is cached, then stop.
    'dry-run': { type: 'boolean', default: false },
  },
});
const quick = a.quick!;
const total = quick ? 200 : Number(a.lines);
const pretrainSteps = quick ? 10 : Number(a['pretrain-steps']);
const finetuneSteps = quick ? 10 : Number(a['finetune-steps']);
const seeds = quick ? 1 : Number(a.seeds);
const fractions = a.fractions!.split(',').map(Number);
// A quick run must never overwrite the real results.
const outFile = a.out ?? (quick ? 'out/seqclr-quick.md' : 'docs/results/seqclr.md');
const jobs = Math.max(1, Number(a.jobs));
// Every process trains with its share of the cores (a child is told its parent's share).
const threads = a.threads ? Number(a.threads) : Math.max(1, Math.floor(availableParallelism() / jobs));
const MODE_NAMES: Record<Mode, string> = { decoder: 'decoder evaluation', finetune: 'fine-tuning', lpft: 'probe → fine-tuning' };
const modes = a.modes!.split(',') as Mode[];
const probeSteps = Number(a['probe-steps']);
// What each mode trains, for the sentence above the table.
const MODE_DETAILS: Record<Mode, string> = {
  decoder: 'frozen encoder',
  finetune: 'everything',
  lpft: `the decoder alone for the first ${probeSteps} steps, then everything`,
};
if (modes.includes('lpft') && !(probeSteps > 0 && probeSteps < finetuneSteps))
  throw new Error('--probe-steps must be between 0 and --finetune-steps');
const augmentStrength = Number(a['augment-strength']);
const augmentations = a.augmentations as PipelineName;
if (!(augmentations in PIPELINES)) throw new Error(`--augmentations must be one of ${Object.keys(PIPELINES).join(', ')}`);
const temperature = Number(a.temperature);
const hands = trainingHands(Number(a.hands));

const settings: ExperimentSettings = {
  total,
  hands: hands.length,
  pretrainSteps,
  augmentations,
  augmentStrength,
  temperature,
  finetuneSteps,
  probeSteps,
  fractions,
  modes,
};

const make = (seed: number, n: number, fonts: readonly string[]): Sample[] =>
  Array.from({ length: n }, (_, i) => {
    const l = synthLine(seed, i, { fonts: fonts as never });
    return { text: l.text, image: toLineTensor(l.image, NETWORK.height) };
  });

const METHOD_NUMBERS = a
  .methods!.split(',')
  .map(Number)
  .filter((n) => ALL_METHODS[n - 1]);
const METHODS = METHOD_NUMBERS.map((n) => ALL_METHODS[n - 1]);
const modesOf = (m: Method) => modesFor(m, modes);

// One measured CER: fine-tuning is also measured on the held-out hands ('finetuneUnseen', 'lpftUnseen').
type Result = { seed: number; method: string; fraction: number; mode: Mode | 'finetuneUnseen' | 'lpftUnseen'; cer: number };
const started = performance.now();
const log = (m: string) => console.log(`[${((performance.now() - started) / 60000).toFixed(1)} min] ${m}`);
// A long run should say where it is: a progress line at every tenth of a run's steps.
const every = <P extends { step: number }>(steps: number, report: (p: P) => void) => {
  const period = Math.max(1, Math.round(steps / 10));
  return (p: P) => {
    if (p.step % period === 0) report(p);
  };
};

// What one seed does for some methods: pretrain each once, then evaluate it at every labeled fraction.
async function runSeed(seed: number, methods: Method[], results: Result[]) {
  const { codec, unlabeled, validation, testSeen, testUnseen } = await data();
  // Pretrain once per method and seed; reuse the encoder for every labeled fraction.
  const encoders = new Map<string, Map<string, Float32Array>>();
  const weightsOf = (model: Recognizer) => new Map([...model.weights].map(([k, v]) => [k, (v.dataSync() as Float32Array).slice()]));
  for (const m of methods.filter((x) => x.mapping)) {
    // A pretrained encoder is kept on disk: another fine-tuning recipe then skips pretraining.
    const file = encoderFile(settings, seed, ALL_METHODS.indexOf(m) + 1);
    if (existsSync(file)) {
      const saved = loadModel(file).model;
      encoders.set(m.name, weightsOf(saved));
      saved.dispose();
      log(`seed ${seed}: re-using the pretrained ${m.name} in ${file}`);
      continue;
    }
    const model = new Recognizer({ ...NETWORK, classes: codec.classes }, seed);
    const r = await pretrain(model, new ArraySource(unlabeled), {
      steps: pretrainSteps,
      batchSize: 16,
      seed,
      features: 'contextual',
      head: 'mlp',
      headSize: 128,
      mapping: m.mapping,
      temperature,
      augmentations,
      augmentStrength,
      checkpointEvery: 0,
      onProgress: every(pretrainSteps, (p) =>
        log(
          `  seed ${seed}, ${m.name}: pretraining step ${p.step}/${p.steps}, loss ${p.loss.toFixed(3)}, ${p.linesPerSecond.toFixed(1)} lines/s`,
        ),
      ),
    });
    r.head.dispose();
    encoders.set(m.name, weightsOf(model));
    mkdirSync(dirname(file), { recursive: true });
    saveModel(file, model, codec, { pretrainingLoss: r.state.history.at(-1)?.loss });
    model.dispose();
    log(`seed ${seed}: pretrained ${m.name} (final loss ${r.state.history.at(-1)?.loss.toFixed(3)})`);
  }
  for (const fraction of fractions) {
    const labeled = new Rng(seed * 7 + Math.round(fraction * 1000)).shuffle([...unlabeled]).slice(0, Math.round(fraction * total));
    for (const m of methods) {
      for (const mode of modesOf(m)) {
        const model = new Recognizer({ ...NETWORK, classes: codec.classes }, seed + 1000);
        const encoder = encoders.get(m.name);
        if (encoder) for (const [k, v] of encoder) tf.tidy(() => model.weights.get(k)!.assign(tf.tensor(v, model.weights.get(k)!.shape)));
        // Phases of the one step budget: [steps, frozen parts]. Each phase has its own warm-up and decay.
        const phases: [number, Part[]][] =
          mode === 'decoder'
            ? [[finetuneSteps, encoderParts('contextual')]]
            : mode === 'lpft'
              ? [
                  [probeSteps, encoderParts('contextual')],
                  [finetuneSteps - probeSteps, []],
                ]
              : [[finetuneSteps, []]];
        for (const [steps, frozen] of phases) {
          await train(
            model,
            codec,
            { train: new ArraySource(labeled), validation },
            {
              steps,
              batchSize: 16,
              seed,
              threads,
              frozen,
              validateEvery: Math.max(10, Math.round(finetuneSteps / 10)),
              patience: 0,
              checkpointEvery: 0,
              onProgress: every(steps, (p) =>
                log(
                  `  ${mode} step ${p.step}/${p.steps}, loss ${p.loss.toFixed(3)}${p.validation ? `, validation CER ${(100 * p.validation.cer).toFixed(1)} %` : ''}`,
                ),
              ),
            },
          );
        }
        const seen = evaluate(model, codec, testSeen).cer;
        results.push({ seed, method: m.name, fraction, mode, cer: seen });
        if (mode !== 'decoder')
          results.push({ seed, method: m.name, fraction, mode: `${mode}Unseen`, cer: evaluate(model, codec, testUnseen).cer });
        model.dispose();
        log(`seed ${seed}, ${fraction * 100} % labels, ${m.name}, ${mode}: CER ${(100 * seen).toFixed(1)} %`);
      }
    }
  }
}

// Data are made once per process, the same in every process (fixed generator seeds).
let made:
  | Promise<{
      codec: ReturnType<typeof syntheticCharset>;
      unlabeled: Sample[];
      validation: Sample[];
      testSeen: Sample[];
      testUnseen: Sample[];
    }>
  | undefined;
const data = () =>
  (made ??= (async () => {
    await initBackend();
    return {
      codec: syntheticCharset(),
      unlabeled: make(101, total, hands),
      validation: make(102, quick ? 32 : 200, hands),
      testSeen: make(103, quick ? 32 : 300, hands),
      testUnseen: make(104, quick ? 32 : 300, HELD_OUT_FONTS),
    };
  })());

function writeText(file: string, text: string) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, Buffer.from(text));
}

// Runs one (seed, method) in a child process of this script (same loader, same options).
function inChild(seed: number, method: number, raw: string): Promise<void> {
  const args = process.argv
    .slice(2)
    .filter((x, i, all) => !['--jobs', '--methods'].includes(x) && !['--jobs', '--methods'].includes(all[i - 1]));
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1],
      ...args,
      '--methods',
      String(method),
      '--only-seed',
      String(seed),
      '--raw',
      raw,
      '--threads',
      String(threads),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child.stdout.on('data', (b: Buffer) => {
    for (const l of b.toString().trimEnd().split('\n')) console.log(`(seed ${seed}, method ${method}) ${l}`);
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`seed ${seed}, method ${method} failed with exit code ${code}`)),
    ),
  );
}

const results: Result[] = [];
if (a['only-seed']) {
  await runSeed(Number(a['only-seed']), METHODS, results);
  writeText(a.raw!, JSON.stringify(results));
  process.exit(0);
}
// Each (seed, method) is independent: a method is pretrained once per seed and reused for every fraction.
// Runs that still have to pretrain take longest: they start first, so the processes finish together.
const pretrains = (seed: number, method: number) => {
  const m = ALL_METHODS[method - 1];
  return m.mapping !== undefined && !existsSync(encoderFile(settings, seed, method));
};
const queue = Array.from({ length: seeds }, (_, i) =>
  METHOD_NUMBERS.map((method) => ({ seed: i + 1, method, file: runFile(settings, i + 1, method) })),
)
  .flat()
  .sort((x, y) => Number(pretrains(y.seed, y.method)) - Number(pretrains(x.seed, x.method)));
if (a['dry-run']) {
  for (const u of queue) console.log(`seed ${u.seed}, method ${u.method}: ${u.file}${existsSync(u.file) ? ' (cached)' : ''}`);
  process.exit(0);
}
const units = queue.length;
let reused = 0;
await Promise.all(
  Array.from({ length: jobs }, async () => {
    for (let u = queue.shift(); u; u = queue.shift()) {
      if (existsSync(u.file)) {
        reused++;
        log(`seed ${u.seed}, method ${u.method}: reusing ${u.file}`);
      } else if (jobs > 1) await inChild(u.seed, u.method, u.file);
      else {
        const own: Result[] = [];
        await runSeed(u.seed, [ALL_METHODS[u.method - 1]], own);
        writeText(u.file, JSON.stringify(own));
      }
      results.push(...JSON.parse(readFileSync(u.file, 'utf8')));
    }
  }),
);
const cers = (method: string, fraction: number, mode: Result['mode']) =>
  results
    .filter((r) => r.method === method && r.fraction === fraction && r.mode === mode)
    .sort((x, y) => x.seed - y.seed)
    .map((r) => r.cer);

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const stat = (xs: number[]) => {
  if (xs.length === 0) return '—';
  const m = mean(xs);
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${(100 * m).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
};
const lines: string[] = [
  '# SeqCLR on generated handwriting',
  '',
  quick ? '**Quick run: checks the pipeline only; the numbers mean nothing.**\n' : '',
  `Backend ${(await initBackend()).name}, ${jobs} process(es) of ${threads} thread(s). ${total} generated lines of ${hands.length} training hands, all used unlabeled for pretraining; ` +
    `${fractions.map((f) => `${f * 100} %`).join(' and ')} of them labeled. Pretraining ${pretrainSteps} steps (contextual features H, MLP head, τ = ${temperature}, ${augmentations} augmentations${PIPELINES[augmentations].compose === 'each' ? `, strength ${augmentStrength}` : ''}), ` +
    `then ${finetuneSteps} steps of ${modes.map((x) => `${MODE_NAMES[x]} (${MODE_DETAILS[x]})`).join(' or ')}, batch 16, ${seeds} seed(s). ` +
    'CER (%) on 300 lines of the training hands, mean ± standard deviation over seeds; "unseen hands" columns are the same models on the two held-out hands.' +
    (reused
      ? ` ${reused} of the ${units} (seed, method) runs were re-used from an earlier run with the same settings (out/seqclr-runs/).`
      : ''),
  '',
  `Command: \`npm run experiment:seqclr -- --lines ${total} --pretrain-steps ${pretrainSteps} --finetune-steps ${finetuneSteps} --seeds ${seeds} --fractions ${a.fractions} --methods ${a.methods} --modes ${a.modes} --augmentations ${augmentations} --augment-strength ${augmentStrength} --temperature ${temperature}${hands.length === TRAINING_FONTS.length ? '' : ` --hands ${hands.length}`}${modes.includes('lpft') ? ` --probe-steps ${probeSteps}` : ''} --jobs ${a.jobs}${quick ? ' --quick' : ''}\``,
  '',
];
// Probing columns only where probing was run, so earlier tables keep their shape.
const columns: Result['mode'][] = [
  'decoder',
  'finetune',
  'finetuneUnseen',
  ...(modes.includes('lpft') ? (['lpft', 'lpftUnseen'] as const) : []),
];
const heading = (c: Result['mode']) =>
  c.endsWith('Unseen') ? `${MODE_NAMES[c.replace('Unseen', '') as Mode]}, unseen hands` : MODE_NAMES[c as Mode];
lines.push(`| labels | method | ${columns.map(heading).join(' | ')} |`, `|${' --- |'.repeat(columns.length + 2)}`);
for (const fraction of fractions) {
  for (const m of METHODS)
    lines.push(`| ${fraction * 100} % | ${m.name} | ${columns.map((mode) => stat(cers(m.name, fraction, mode))).join(' | ')} |`);
}
// The acceptance comparison, computed from the table: window-to-instance (T'=5) fine-tuning (either recipe) vs. supervised only.
for (const fraction of fractions) {
  const base = cers(ALL_METHODS[0].name, fraction, 'finetune');
  for (const mode of ['finetune', 'lpft'] as const) {
    const seq = cers(ALL_METHODS[3].name, fraction, mode);
    if (!base.length || !seq.length) continue;
    lines.push(
      '',
      `With ${fraction * 100} % labels, SeqCLR window-to-instance (T'=5) + ${MODE_NAMES[mode]} has ${(100 * (1 - mean(seq) / mean(base))).toFixed(0)} % lower CER than supervised only ` +
        `(per seed: ${seq.map((x, i) => `${(100 * (1 - x / base[i])).toFixed(0)} %`).join(', ')}).`,
    );
  }
}
lines.push('', `Time of this invocation: ${((performance.now() - started) / 60000).toFixed(0)} minutes.`, '');
// Written analysis lives under "## Notes" in the same file; a new run replaces the numbers above it, never the notes.
const previous = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
const notes = previous.indexOf('\n## Notes');
if (notes >= 0) lines.push(previous.slice(notes + 1));
writeText(outFile, lines.join('\n'));
log(`wrote ${outFile}`);
