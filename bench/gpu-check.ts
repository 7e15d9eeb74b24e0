// The GPU check of issue #20, in one run on whatever backends load here: WebGPU's parity
// with the cpu backend (the parity suite's case, judged by its rule), the engine table of
// `npm run bench` with WebGPU beside wasm and PyTorch (CPU at every thread count, CUDA where
// it is), and a segmenter training step on WebGPU and wasm. Every part runs in its own
// process under its own time limit, inside an overall budget, so a hang costs that part
// only; results are written to DIR/gpu-check.json after each part and everything the
// parts print to DIR/gpu-check.log. Tables at the end.
//   npx tsx bench/gpu-check.ts [--out DIR] [--budget SECONDS] [--smoke]
// --smoke (or GPU_CHECK_SMOKE=1) measures tiny sizes, for a software adapter (SwiftShader).
// Runs from the sources (through tsx) or bundled (bench/device/pack.sh): bundled, each part
// is a .mjs file beside this one.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParityResult } from '../test/helpers/parity-case.ts';
import { compareParity, PARITY_TOLERANCE, type ParityComparison } from '../test/helpers/parity-compare.ts';
import { engineTable, type Result, type Row } from './engine-table.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: process.env.OUT || 'out/gpu-check' },
    budget: { type: 'string', default: '450' },
    smoke: { type: 'boolean', default: process.env.GPU_CHECK_SMOKE === '1' },
    python: { type: 'string', default: 'python3' },
  },
});
const smoke = values.smoke!;
const started = Date.now();
const deadline = started + Number(values.budget) * 1000;

const bundled = import.meta.url.endsWith('.mjs');
const here = fileURLToPath(new URL('.', import.meta.url));
// Bundled, this file is .devgpu/bundle/gpu-check.mjs: two levels below the repository, as in bench/ it is one.
const root = fileURLToPath(new URL(bundled ? '../../' : '../', import.meta.url));
const SOURCES = {
  'engine-bench': 'bench/engine-bench.ts',
  'parity-case': 'test/helpers/parity-case.ts',
  'seg-step': 'bench/seg-step.ts',
  'webgpu-probe': 'bench/webgpu-probe.ts',
} as const;

mkdirSync(values.out!, { recursive: true });
const jsonFile = join(values.out!, 'gpu-check.json');
const logFile = join(values.out!, 'gpu-check.log');
writeFileSync(logFile, '');
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s`;
function log(text: string): void {
  const line = `[${elapsed()}] ${text}\n`;
  process.stdout.write(line);
  appendFileSync(logFile, line);
}

const cores = availableParallelism();
const report = {
  machine: { cores, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, smoke },
  vulkan: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES, VK_DRIVER_FILES: process.env.VK_DRIVER_FILES },
  adapter: undefined as unknown,
  parity: {} as Record<string, unknown>,
  speed: {} as Record<string, Record<string, Result>>,
  segmenter: {} as Record<string, unknown>,
  seconds: 0,
};
/** Written after every part (through a temporary file, so a kill never leaves half a file). */
function save(): void {
  report.seconds = (Date.now() - started) / 1000;
  writeFileSync(`${jsonFile}.tmp`, JSON.stringify(report, null, 2));
  renameSync(`${jsonFile}.tmp`, jsonFile);
}

interface Outcome {
  /** The last line of stdout as JSON, when the part printed one. */
  json?: Record<string, unknown>;
  code: number | null;
  /** Why there is no result: a time limit, a crash. */
  problem?: string;
}

/**
 * Runs one part in its own process, killed after `limitSeconds` (or at the budget's end,
 * whichever comes first); its output goes to the log.
 */
function part(label: string, command: string, args: string[], limitSeconds: number): Promise<Outcome> {
  const seconds = Math.min(limitSeconds, (deadline - Date.now()) / 1000 - 3);
  if (seconds < 5) {
    log(`${label}: skipped, the budget is spent`);
    return Promise.resolve({ code: null, problem: 'skipped: out of time' });
  }
  log(`${label}: ${[command, ...args].join(' ')} (limit ${Math.round(seconds)} s)`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, QUIRE_BACKEND: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, seconds * 1000);
    const t0 = Date.now();
    const finish = (code: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      const took = ((Date.now() - t0) / 1000).toFixed(1);
      if (err.trim()) appendFileSync(logFile, `--- ${label} stderr (last 4000 chars)\n${err.slice(-4000)}\n`);
      if (out.trim()) appendFileSync(logFile, `--- ${label} stdout (last 4000 chars)\n${out.slice(-4000)}\n`);
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(out.trim().split('\n').pop() || 'null') ?? undefined;
      } catch {
        json = undefined;
      }
      const problem = spawnError
        ? spawnError.message
        : timedOut
          ? `timed out after ${Math.round(seconds)} s`
          : code !== 0 && !json
            ? `exit ${code}: ${(/Error: (.*)/.exec(err)?.[1] ?? err.trim().split('\n').pop() ?? '').slice(0, 200)}`
            : undefined;
      log(`${label}: ${problem ?? `exit ${code}`} in ${took} s`);
      resolve({ json, code, problem });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}

/** One of Quire's scripts in its own node process: the bundled .mjs, or the source through tsx. */
function quirePart(label: string, script: keyof typeof SOURCES, args: string[], limitSeconds: number): Promise<Outcome> {
  const entry = bundled ? [join(here, `${script}.mjs`)] : ['--import', 'tsx', join(root, SOURCES[script])];
  return part(label, process.execPath, [...entry, ...args], limitSeconds);
}

const asResult = (o: Outcome): Result =>
  o.json && !('unavailable' in o.json) ? (o.json as unknown as Row) : String(o.json?.unavailable ?? o.problem ?? `exit ${o.code}`);

// 1. The adapter.
const probe = await quirePart('webgpu adapter', 'webgpu-probe', [], 90);
report.adapter = probe.json ?? { unavailable: probe.problem };
save();

// 2. Parity: the suite's case on every backend at once (as the test runs them), judged against cpu.
const parityBackends = ['cpu', 'wasm', 'webgpu'];
const parity = await Promise.all(parityBackends.map((b) => quirePart(`parity ${b}`, 'parity-case', [b], 240)));
const reference = parity[0].json as unknown as ParityResult | undefined;
parityBackends.forEach((b, i) => {
  const got = parity[i].json as unknown as (ParityResult & { unavailable?: string }) | undefined;
  if (!got || got.unavailable) {
    report.parity[b] = { unavailable: got?.unavailable ?? parity[i].problem };
    return;
  }
  const summary = { loss: got.loss, lossAfterSteps: got.lossAfterSteps, readings: got.readings };
  report.parity[b] =
    b === 'cpu' || !reference?.grads ? summary : { ...summary, ...compareParity(reference, got), tolerance: PARITY_TOLERANCE };
});
save();

// 3. The engine table of one line size: WebGPU, wasm on all cores and on 2, PyTorch on the CPU
// at each thread count (the ratios' reference is the best) and on CUDA.
const threadCounts = [...new Set([1, 2, 4, 8, 16, 32, 64].filter((t) => t < cores).concat(cores))];
async function speed([height, width]: number[], steps: number): Promise<void> {
  const label = `${height}×${width}`;
  const rows: Array<[string, Result]> = [];
  const torch: Array<[string, Result]> = [];
  report.speed[label] = {};
  const add = (name: string, result: Result, into = rows) => {
    into.push([name, result]);
    if (into !== rows) rows.push([name, result]);
    report.speed[label][name] = result;
    save();
  };
  const size = ['--height', String(height), '--width', String(width), '--steps', String(steps), ...(smoke ? ['--batch', '2'] : [])];
  const quire = async (backend: string, threads: number) =>
    asResult(
      await quirePart(
        `${label} quire ${backend} ${threads}`,
        'engine-bench',
        ['--backend', backend, '--threads', String(threads), ...size, '--no-seqclr', ...(backend === 'wasm' ? ['--reader', 'tfjs'] : [])],
        width > 512 ? 150 : 90,
      ),
    );
  const pytorch = async (threads: number, device = 'cpu') =>
    asResult(
      await part(
        `${label} pytorch ${device} ${threads}`,
        values.python!,
        [join(root, 'bench/torch_reference.py'), String(threads), String(height), String(width), '--device', device],
        60,
      ),
    );
  add('quire webgpu', await quire('webgpu', 1));
  add(`quire wasm ${cores} threads`, await quire('wasm', cores));
  for (const t of threadCounts) add(`pytorch cpu ${t} thread${t > 1 ? 's' : ''}`, await pytorch(t), torch);
  add('pytorch cuda', await pytorch(1, 'cuda'));
  if (cores !== 2) add('quire wasm 2 threads', await quire('wasm', 2));
  log(`engine table ${label}:\n${engineTable(rows, torch).join('\n')}`);
}

// 4. Segmenter training steps (batch 4 of 288×288 crops), WebGPU against wasm.
async function segmenter(): Promise<void> {
  const args = smoke ? ['--steps', '1', '--batch', '1', '--crop', '32'] : ['--steps', '3'];
  for (const backend of ['webgpu', 'wasm']) {
    const o = await quirePart(`segmenter ${backend}`, 'seg-step', ['--backend', backend, ...args], 90);
    report.segmenter[backend] = o.json ?? { unavailable: o.problem };
    save();
  }
}

// Short lines first, then the segmenter (quick), then real-length lines (the slowest part).
await speed(smoke ? [16, 64] : [32, 256], smoke ? 1 : 5);
await segmenter();
await speed(smoke ? [16, 128] : [48, 1200], smoke ? 1 : 3);

// The tables.
const num = (v: unknown, digits: number) => (typeof v === 'number' ? v.toFixed(digits) : '-');
const diff = (v: unknown) => (typeof v === 'number' ? v.toExponential(1) : '-');
const lines = [`\nGPU check: ${cores} cores, ${JSON.stringify(report.adapter)}, ${report.seconds.toFixed(0)} s`];
lines.push(
  `\nparity against cpu (tolerance ${PARITY_TOLERANCE}): loss | worst gradient | after 2 Adam steps | confidence | readings | pass`,
);
for (const b of parityBackends) {
  const p = report.parity[b] as Partial<ParityComparison> & { unavailable?: string };
  if (b === 'cpu' || p.unavailable) lines.push(`${b.padEnd(7)} | ${p.unavailable ? `unavailable: ${p.unavailable}` : 'reference'}`);
  else
    lines.push(
      `${b.padEnd(7)} | ${diff(p.loss)} | ${diff(p.worstGradient?.diff)} (${p.worstGradient?.name}) | ${diff(p.lossAfterSteps)} | ${diff(p.confidence)} | ${p.readingsMatch ? 'same' : 'DIFFER'} | ${p.failures?.length ? `FAIL: ${p.failures.slice(0, 3).join('; ')}` : 'pass'}`,
    );
}
for (const [label, results] of Object.entries(report.speed)) {
  const entries = Object.entries(results);
  lines.push(`\nCRNN (4 conv, 2×BiLSTM 128), batch ${smoke ? 2 : 16} of ${label} lines`);
  lines.push(
    ...engineTable(
      entries,
      entries.filter(([name]) => name.startsWith('pytorch cpu')),
    ),
  );
}
lines.push(`\nsegmenter training step (${smoke ? 'batch 1 of 32×32' : 'batch 4 of 288×288'} crops): s/step`);
for (const [b, r] of Object.entries(report.segmenter) as Array<[string, { stepSeconds?: number; unavailable?: string }]>)
  lines.push(`${b.padEnd(7)} | ${r.unavailable ? `unavailable: ${r.unavailable}` : num(r.stepSeconds, 3)}`);
save();
log(lines.join('\n'));
process.exit(0);
