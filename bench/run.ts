// `npm run bench`: throughput of the recognizer on every backend that loads here, side by
// side with the same architecture in PyTorch on the CPU (when python3-torch and OpenBLAS
// are installed). Prints a table; `--json FILE` also writes the raw figures.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';

const { values } = parseArgs({ options: { json: { type: 'string' }, cpu: { type: 'boolean', default: false }, steps: { type: 'string', default: '5' } } });

interface Row { engine: string; backend: string; trainStepSeconds: number; trainLinesPerSecond: number; inferLinesPerSecond: number; peakRssMB: number }

function quire(backend: string, threads = 1): Row | string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/engine-bench.ts', '--backend', backend, '--steps', values.steps!, '--threads', String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) return (/Error: (.*)/.exec(r.stderr)?.[1] ?? 'failed').slice(0, 160);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function pytorch(threads: number): Row | string {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const hasTorch = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  if (!hasTorch) return 'python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)';
  const blas = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
  if (!blas.includes('libopenblas')) return 'libopenblas0-pthread is not installed: the reference BLAS would make the comparison unfair';
  const r = spawnSync(python, ['bench/torch_reference.py', String(threads)], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : r.stderr.trim().slice(-120);
}

// The plain JS cpu backend needs ~5 minutes per training step at this size: only on request.
const cores = availableParallelism();
const results: Array<[string, Row | string]> = [
  ['quire tensorflow', quire('tensorflow')],
  ['quire wasm 1 thread', quire('wasm')],
  [`quire wasm ${cores} threads`, quire('wasm', cores)],
  ...(values.cpu ? [['quire cpu', quire('cpu')] as [string, Row | string]] : []),
];
const torch1 = pytorch(1);
const torch2 = pytorch(2);
results.push(['pytorch 1 thread', torch1], ['pytorch 2 threads', torch2]);
const reference = typeof torch2 === 'object' ? torch2 : undefined;

const header = ['engine', 'train s/step', 'train lines/s', 'infer lines/s', 'peak RSS MB', 'train vs torch', 'infer vs torch'];
const rows = results.map(([name, r]) => typeof r === 'string'
  ? [name, `unavailable: ${r}`]
  : [name, r.trainStepSeconds.toFixed(3), r.trainLinesPerSecond.toFixed(1), r.inferLinesPerSecond.toFixed(1), String(r.peakRssMB),
    reference ? `${(r.trainLinesPerSecond / reference.trainLinesPerSecond).toFixed(2)}×` : '-',
    reference ? `${(r.inferLinesPerSecond / reference.inferLinesPerSecond).toFixed(2)}×` : '-']);
const full = rows.filter((r) => r.length > 2);
const widths = header.map((h, i) => Math.max(h.length, ...full.map((r) => r[i].length), ...(i === 0 ? rows.map((r) => r[0].length) : [])));
const line = (cells: string[]) => (cells.length === 2 ? `${cells[0].padEnd(widths[0])} | ${cells[1]}` : cells.map((c, i) => c.padEnd(widths[i])).join(' | '));
console.log(`CRNN (4 conv, 2×BiLSTM 128), batch 16 of 32×256 lines, ${values.steps} timed steps, ${cores} cores; ratios against PyTorch with 2 threads`);
console.log('(inference always runs on one thread)');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
if (values.json) writeFileSync(values.json, JSON.stringify(Object.fromEntries(results), null, 2));
