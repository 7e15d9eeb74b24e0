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

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    cpu: { type: 'boolean', default: false },
    webgpu: { type: 'boolean', default: false },
    steps: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '32x256,48x1200' },
  },
});

interface Row {
  engine: string;
  backend: string;
  trainStepSeconds: number;
  trainLinesPerSecond: number;
  inferLinesPerSecond: number;
  seqclrLinesPerSecond?: number | null;
  peakRssMB: number;
}
type Result = Row | string;
// A reading-only row has no training figures (JSON turns its NaN into null).
const fixed = (v: number | null, digits: number) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));
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
  const r = spawnSync(python, ['bench/torch_reference.py', String(threads), String(height), String(width)], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : r.stderr.trim().slice(-120);
}

/** Whether WebGPU should be measured: a hardware adapter, or --webgpu (SwiftShader takes minutes a step). */
function webgpuPlan(): { run: boolean; why: string } {
  if (values.webgpu) return { run: true, why: '' };
  const probe =
    "import { loadWebGpu } from './main/ml/webgpu.ts'; const a = await loadWebGpu(); console.log(JSON.stringify(a)); process.exit(0);";
  const env = { ...process.env };
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8', env });
  if (r.status !== 0) return { run: false, why: (/Error: (.*)/.exec(r.stderr)?.[1] ?? 'did not load').slice(0, 160) };
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
  const measured = torch.map(([, r]) => r).filter((r): r is Row => typeof r === 'object');
  const bestTrain = measured.length ? Math.max(...measured.map((r) => r.trainLinesPerSecond)) : undefined;
  const bestInfer = measured.length ? Math.max(...measured.map((r) => r.inferLinesPerSecond)) : undefined;
  const which = (key: 'trainLinesPerSecond' | 'inferLinesPerSecond', best?: number) =>
    torch.find(([, r]) => typeof r === 'object' && r[key] === best)?.[0].replace('pytorch ', '') ?? '-';

  const header = [
    'engine',
    'train s/step',
    'train lines/s',
    'infer lines/s',
    'SeqCLR lines/s',
    'peak RSS MB',
    'train vs torch best',
    'infer vs torch best',
  ];
  const rows = results.map(([name, r]) =>
    typeof r === 'string'
      ? [name, `unavailable: ${r}`]
      : [
          name,
          fixed(r.trainStepSeconds, 3),
          fixed(r.trainLinesPerSecond, 1),
          r.inferLinesPerSecond.toFixed(1),
          fixed(r.seqclrLinesPerSecond ?? null, 1),
          String(r.peakRssMB),
          bestTrain && Number.isFinite(r.trainLinesPerSecond) ? `${(r.trainLinesPerSecond / bestTrain).toFixed(2)}×` : '-',
          bestInfer ? `${(r.inferLinesPerSecond / bestInfer).toFixed(2)}×` : '-',
        ],
  );
  const full = rows.filter((r) => r.length > 2);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...full.map((r) => r[i].length), ...(i === 0 ? rows.map((r) => r[0].length) : [])),
  );
  const line = (cells: string[]) =>
    cells.length === 2 ? `${cells[0].padEnd(widths[0])} | ${cells[1]}` : cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`\nCRNN (4 conv, 2×BiLSTM 128), batch 16 of ${label} lines, ${values.steps} timed steps, ${cores} cores`);
  console.log(
    `ratios against PyTorch's best: training ${which('trainLinesPerSecond', bestTrain)}, reading ${which('inferLinesPerSecond', bestInfer)}`,
  );
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  all[label] = Object.fromEntries(results);
}
if (values.json) writeFileSync(values.json, JSON.stringify(all, null, 2));
