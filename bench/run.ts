// `npm run bench`: throughput of the recognizer on every backend that loads here, side by
// side with the same architecture in PyTorch on the CPU (when python3-torch and OpenBLAS
// are installed), at two line sizes: the short 32×256 benchmark line and a real
// manuscript line (1200 px wide at the recognizer's 48 px height). Ratios are against
// PyTorch's best thread count on this machine, per line size and per measure (training and
// reading may peak at different counts). Prints a table; `--json FILE` also writes the
// raw figures.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { engineTable, type Result } from './engine-table.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    cpu: { type: 'boolean', default: false },
    webgpu: { type: 'boolean', default: false },
    steps: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '32x256,48x1200' },
  },
});

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

function quire(backend: string, [height, width]: number[], threads = 1, extra: string[] = []): Result {
  const env = { ...process.env };
  if (backend === 'webgpu' && !env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/engine-bench.ts',
      '--backend',
      backend,
      '--steps',
      values.steps!,
      '--threads',
      String(threads),
      '--height',
      String(height),
      '--width',
      String(width),
      ...extra,
    ],
    { encoding: 'utf8', env },
  );
  if (r.status !== 0) return (/Error: (.*)/.exec(r.stderr)?.[1] ?? 'failed').slice(0, 160);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function pytorch(threads: number, [height, width]: number[]): Result {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const hasTorch = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  if (!hasTorch) return 'python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)';
  const blas = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
  if (!blas.includes('libopenblas')) return 'libopenblas0-pthread is not installed: the reference BLAS would make the comparison unfair';
  // OpenBLAS keeps its own thread pool whatever torch.set_num_threads says; without this
  // "1 thread" let the BLAS calls use both cores (and wait on a busy one).
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const r = spawnSync(python, ['bench/torch_reference.py', String(threads), String(height), String(width)], { encoding: 'utf8', env });
  return r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : r.stderr.trim().slice(-120);
}

/** Whether WebGPU should be measured: a hardware adapter, or --webgpu (SwiftShader takes minutes a step). */
function webgpuPlan(): { run: boolean; why: string } {
  if (values.webgpu) return { run: true, why: '' };
  const env = { ...process.env };
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/webgpu-probe.ts'], { encoding: 'utf8', env });
  if (r.status !== 0)
    return { run: false, why: (JSON.parse(r.stdout.trim().split('\n').pop() || '{}').unavailable ?? 'did not load').slice(0, 160) };
  const adapter = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return adapter.software
    ? { run: false, why: `only a software adapter (${adapter.description}): exact but far slower than wasm; --webgpu measures it anyway` }
    : { run: true, why: '' };
}

const cores = availableParallelism();
const sizes = values.sizes!.split(',').map((s) => s.split('x').map(Number));
const webgpu = webgpuPlan();
const all: Record<string, Record<string, Result>> = {};
for (const size of sizes) {
  const label = `${size[0]}×${size[1]}`;
  // The plain JS cpu backend needs ~5 minutes per training step at this size: only on request.
  const results: Array<[string, Result]> = [
    ['quire tensorflow', quire('tensorflow', size)],
    ['quire wasm 1 thread', quire('wasm', size, 1, ['--reader', 'tfjs'])],
    [`quire wasm ${cores} threads`, quire('wasm', size, cores, ['--reader', 'tfjs'])],
    // Reading only: ONNX Runtime, which transcription uses wherever it loads.
    ['quire onnxruntime 1 thread', quire('wasm', size, 1, ['--reader', 'onnx', '--read-only'])],
    [`quire onnxruntime ${cores} threads`, quire('wasm', size, cores, ['--reader', 'onnx', '--read-only'])],
    ['quire webgpu', webgpu.run ? quire('webgpu', size) : webgpu.why],
    ...(values.cpu ? [['quire cpu', quire('cpu', size)] as [string, Result]] : []),
  ];
  const torch = [1, ...(cores > 1 ? [cores] : [])].map(
    (t) => [`pytorch ${t} thread${t > 1 ? 's' : ''}`, pytorch(t, size)] as [string, Result],
  );
  results.push(...torch);
  console.log(`\nCRNN (4 conv, 2×BiLSTM 128), batch 16 of ${label} lines, ${values.steps} timed steps, ${cores} cores`);
  for (const line of engineTable(results, torch)) console.log(line);
  all[label] = Object.fromEntries(results);
}
if (values.json) writeFileSync(values.json, JSON.stringify(all, null, 2));
