// The SeqCLR comparison of the paper (Aberdam et al., 2021, tables 2–3) on generated
// handwriting: supervised-only vs. SimCLR-style (all-to-instance) vs. SeqCLR frame- and
// window-to-instance pretraining, each followed by decoder evaluation (frozen encoder) and
// by fine-tuning, with 5 % and 10 % of the lines labeled, over several seeds. All lines
// are used unlabeled for pretraining. Writes docs/results/seqclr.md.
//   npm run experiment:seqclr                 (the full run: hours on a 2-core CPU)
//   npm run experiment:seqclr -- --quick      (minutes: checks the pipeline, not the result)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../main/ml/backend.ts';
import { ArraySource, type Sample } from '../main/ml/data.ts';
import { toLineTensor } from '../main/ml/line-image.ts';
import { Recognizer, type RecognizerConfig } from '../main/ml/model.ts';
import { evaluate } from '../main/ml/recognize.ts';
import { encoderParts, pretrain } from '../main/ml/seqclr/pretrain.ts';
import type { Mapping } from '../main/ml/seqclr/instances.ts';
import { train } from '../main/ml/train.ts';
import { Rng } from '../main/ml/random.ts';
import { HELD_OUT_FONTS, TRAINING_FONTS, synthLine, syntheticCharset } from './synth/handwriting.ts';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    lines: { type: 'string', default: '4000' },
    'pretrain-steps': { type: 'string', default: '1500' },
    'finetune-steps': { type: 'string', default: '1500' },
    seeds: { type: 'string', default: '3' },
    fractions: { type: 'string', default: '0.05,0.1' },
    out: { type: 'string' },
    // A subset of the rows by number (1 = supervised only … 5 = window T'=10), for a partial run.
    methods: { type: 'string', default: '1,2,3,4,5' },
    // Which evaluations to run after pretraining: decoder (frozen encoder), finetune, or both.
    modes: { type: 'string', default: 'decoder,finetune' },
    // Seeds run as this many parallel processes. Pretraining is single-threaded, so on a
    // 2-core machine two processes use the CPU better than one process with two threads.
    jobs: { type: 'string', default: '1' },
    // Internal: a child process runs one seed and writes its raw results here.
    'only-seed': { type: 'string' },
    raw: { type: 'string' },
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
const jobs = Math.max(1, Math.min(Number(a.jobs), seeds));
const threads = Math.max(1, Math.floor(availableParallelism() / jobs));
const modes = a.modes!.split(',') as ('decoder' | 'finetune')[];

// A smaller network than DEFAULT_CONFIG, so that the grid of runs fits a CPU.
const NETWORK: Omit<RecognizerConfig, 'classes'> = {
  height: 32,
  conv: [{ filters: 16, pool: [2, 2] }, { filters: 32, pool: [2, 2] }, { filters: 48, pool: [2, 1] }, { filters: 64, pool: [2, 1] }],
  lstmUnits: 96, lstmLayers: 2, dropout: 0.2,
};

const make = (seed: number, n: number, fonts: readonly string[]): Sample[] => Array.from({ length: n }, (_, i) => {
  const l = synthLine(seed, i, { fonts: fonts as never });
  return { text: l.text, image: toLineTensor(l.image, NETWORK.height) };
});

interface Method { name: string; mapping?: Mapping }
const ALL_METHODS: Method[] = [
  { name: 'supervised only' },
  { name: 'SimCLR (all-to-instance)', mapping: { kind: 'all' } },
  { name: 'SeqCLR frame-to-instance', mapping: { kind: 'frame' } },
  { name: 'SeqCLR window-to-instance T\'=5', mapping: { kind: 'window', instances: 5 } },
  { name: 'SeqCLR window-to-instance T\'=10', mapping: { kind: 'window', instances: 10 } },
];

const METHODS = a.methods!.split(',').map((n) => ALL_METHODS[Number(n) - 1]).filter(Boolean);

type Cell = { decoder: number[]; finetune: number[]; finetuneUnseen: number[] };
const started = performance.now();
const log = (m: string) => console.log(`[${((performance.now() - started) / 60000).toFixed(1)} min] ${m}`);
// A long run should say where it is: a progress line at every tenth of a run's steps.
const every = <P extends { step: number }>(steps: number, report: (p: P) => void) => {
  const period = Math.max(1, Math.round(steps / 10));
  return (p: P) => { if (p.step % period === 0) report(p); };
};

// Everything one seed does: pretrain each method once, then evaluate it at every labeled fraction.
async function runSeed(seed: number, results: Map<string, Cell>) {
  const { codec, unlabeled, validation, testSeen, testUnseen } = await data();
  // Pretrain once per method and seed; reuse the encoder for every labeled fraction.
  const encoders = new Map<string, Map<string, Float32Array>>();
  for (const m of METHODS.filter((x) => x.mapping)) {
    const model = new Recognizer({ ...NETWORK, classes: codec.classes }, seed);
    const r = await pretrain(model, new ArraySource(unlabeled), {
      steps: pretrainSteps, batchSize: 16, seed, features: 'contextual', head: 'mlp', headSize: 128, mapping: m.mapping, temperature: 0.1, checkpointEvery: 0,
      onProgress: every(pretrainSteps, (p) => log(`  seed ${seed}, ${m.name}: pretraining step ${p.step}/${p.steps}, loss ${p.loss.toFixed(3)}, ${p.linesPerSecond.toFixed(1)} lines/s`)),
    });
    r.head.dispose();
    encoders.set(m.name, new Map([...model.weights].map(([k, v]) => [k, (v.dataSync() as Float32Array).slice()])));
    model.dispose();
    log(`seed ${seed}: pretrained ${m.name} (final loss ${r.state.history.at(-1)?.loss.toFixed(3)})`);
  }
  for (const fraction of fractions) {
    const labeled = new Rng(seed * 7 + Math.round(fraction * 1000)).shuffle([...unlabeled]).slice(0, Math.round(fraction * total));
    for (const m of METHODS) {
      const key = `${m.name}|${fraction}`;
      const cell = results.get(key) ?? { decoder: [], finetune: [], finetuneUnseen: [] };
      for (const mode of modes.filter((x) => m.mapping || x === 'finetune')) {
        const model = new Recognizer({ ...NETWORK, classes: codec.classes }, seed + 1000);
        const encoder = encoders.get(m.name);
        if (encoder) for (const [k, v] of encoder) tf.tidy(() => model.weights.get(k)!.assign(tf.tensor(v, model.weights.get(k)!.shape)));
        await train(model, codec, { train: new ArraySource(labeled), validation }, {
          steps: finetuneSteps, batchSize: 16, seed, threads, frozen: mode === 'decoder' ? encoderParts('contextual') : [],
          validateEvery: Math.max(10, Math.round(finetuneSteps / 10)), patience: 0, checkpointEvery: 0,
          onProgress: every(finetuneSteps, (p) => log(`  ${mode} step ${p.step}/${p.steps}, loss ${p.loss.toFixed(3)}`)),
        });
        const seen = evaluate(model, codec, testSeen).cer;
        cell[mode].push(seen);
        if (mode === 'finetune') cell.finetuneUnseen.push(evaluate(model, codec, testUnseen).cer);
        model.dispose();
        log(`seed ${seed}, ${fraction * 100} % labels, ${m.name}, ${mode}: CER ${(100 * seen).toFixed(1)} %`);
      }
      results.set(key, cell);
    }
  }
}


// Data are made once per process, the same in every process (fixed generator seeds).
let made: Promise<{ codec: ReturnType<typeof syntheticCharset>; unlabeled: Sample[]; validation: Sample[]; testSeen: Sample[]; testUnseen: Sample[] }> | undefined;
const data = () => (made ??= (async () => {
  await initBackend();
  return {
    codec: syntheticCharset(),
    unlabeled: make(101, total, TRAINING_FONTS),
    validation: make(102, quick ? 32 : 200, TRAINING_FONTS),
    testSeen: make(103, quick ? 32 : 300, TRAINING_FONTS),
    testUnseen: make(104, quick ? 32 : 300, HELD_OUT_FONTS),
  };
})());

// Runs one seed in a child process of this script (same loader, same options) and reads its results.
function seedInChild(seed: number): Promise<[string, Cell][]> {
  const raw = `out/seqclr-seed-${seed}.json`;
  const args = process.argv.slice(2).filter((x, i, all) => x !== '--jobs' && all[i - 1] !== '--jobs');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args, '--only-seed', String(seed), '--raw', raw, '--jobs', String(jobs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', (b: Buffer) => { for (const l of b.toString().trimEnd().split('\n')) console.log(`(seed ${seed}) ${l}`); });
  return new Promise((resolve, reject) => child.on('exit', (code) => {
    if (code === 0) resolve(JSON.parse(readFileSync(raw, 'utf8')));
    else reject(new Error(`seed ${seed} failed with exit code ${code}`));
  }));
}

const results = new Map<string, Cell>();
const merge = (entries: [string, Cell][]) => {
  for (const [key, c] of entries) {
    const cell = results.get(key) ?? { decoder: [], finetune: [], finetuneUnseen: [] };
    cell.decoder.push(...c.decoder); cell.finetune.push(...c.finetune); cell.finetuneUnseen.push(...c.finetuneUnseen);
    results.set(key, cell);
  }
};
if (a['only-seed']) {
  const own = new Map<string, Cell>();
  await runSeed(Number(a['only-seed']), own);
  mkdirSync(dirname(a.raw!), { recursive: true });
  writeFileSync(a.raw!, JSON.stringify([...own]));
  process.exit(0);
}
const seedList = Array.from({ length: seeds }, (_, i) => i + 1);
if (jobs === 1) {
  for (const seed of seedList) await runSeed(seed, results);
} else {
  const queue = [...seedList];
  await Promise.all(Array.from({ length: jobs }, async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) merge(await seedInChild(seed));
  }));
}

const stat = (xs: number[]) => {
  if (xs.length === 0) return '—';
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${(100 * mean).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
};
const lines: string[] = [
  '# SeqCLR on generated handwriting',
  '',
  quick ? '**Quick run: checks the pipeline only; the numbers mean nothing.**\n' : '',
  `Backend ${(await initBackend()).name}, ${jobs} process(es) of ${threads} thread(s). ${total} generated lines of the training hands, all used unlabeled for pretraining; ` +
  `${fractions.map((f) => `${f * 100} %`).join(' and ')} of them labeled. Pretraining ${pretrainSteps} steps (contextual features H, MLP head, τ = 0.1), ` +
  `then ${finetuneSteps} steps of ${modes.map((x) => (x === 'decoder' ? 'decoder evaluation (frozen encoder)' : 'fine-tuning (everything)')).join(' or ')}, batch 16, ${seeds} seed(s). ` +
  'CER (%) on 300 lines of the training hands, mean ± standard deviation over seeds; the last column is fine-tuning CER on the two held-out hands.',
  '',
  `Command: \`npm run experiment:seqclr -- --lines ${total} --pretrain-steps ${pretrainSteps} --finetune-steps ${finetuneSteps} --seeds ${seeds} --fractions ${a.fractions} --methods ${a.methods} --modes ${a.modes} --jobs ${a.jobs}${quick ? ' --quick' : ''}\``,
  '',
  '| labels | method | decoder evaluation | fine-tuning | fine-tuning, unseen hands |',
  '| --- | --- | --- | --- | --- |',
];
for (const fraction of fractions) {
  for (const m of METHODS) {
    const c = results.get(`${m.name}|${fraction}`)!;
    lines.push(`| ${fraction * 100} % | ${m.name} | ${stat(c.decoder)} | ${stat(c.finetune)} | ${stat(c.finetuneUnseen)} |`);
  }
}
// The acceptance comparison, computed from the table: window-to-instance (T'=5) fine-tuning vs. supervised only.
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
for (const fraction of fractions) {
  const base = results.get(`supervised only|${fraction}`)?.finetune ?? [];
  const seq = results.get(`${ALL_METHODS[3].name}|${fraction}`)?.finetune ?? [];
  if (base.length && seq.length) {
    lines.push('', `With ${fraction * 100} % labels, SeqCLR window-to-instance (T'=5) + fine-tuning has ${(100 * (1 - mean(seq) / mean(base))).toFixed(0)} % lower CER than supervised only ` +
      `(per seed: ${seq.map((x, i) => `${(100 * (1 - x / base[i])).toFixed(0)} %`).join(', ')}).`);
  }
}
lines.push('', `Total time: ${((performance.now() - started) / 60000).toFixed(0)} minutes.`, '');
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, lines.join('\n'));
log(`wrote ${outFile}`);
