// Where the training gap to PyTorch comes from, kernel by kernel (issue #20): the products
// that make up a recognizer training step at the real line size (DEFAULT_CONFIG at 48 px,
// lines 1200 px wide, batch 16), each timed alone on one thread in Quire's wasm engine (the
// kernels training uses, wasm-kernels.ts included) and in PyTorch + OpenBLAS
// (bench/torch_kernel_flops.py, the same shapes), as GFLOP/s. If the engine's kernels are as
// many times slower per FLOP as the whole step is, no change outside the kernels (the
// tape, the LSTM cell in JS, copies, the pool) can close the gap. Times are CPU time of the
// one thread (process.cpuUsage, Python's process_time), not wall time: on this shared
// 2-core machine wall time swings 2-4x with the load, CPU time much less.
//   npx tsx bench/kernel-flops.ts [--repeats 5] [--json FILE]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../main/ml/backend.ts';
import { kernelSpecs, type KernelSpec } from './kernel-specs.ts';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    height: { type: 'string', default: '48' },
    width: { type: 'string', default: '1200' },
    batch: { type: 'string', default: '16' },
    json: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const repeats = Number(values.repeats);
const specs = kernelSpecs(Number(values.batch), Number(values.height), Number(values.width));

const CONV = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as const;

/** One call of the kernel in the wasm engine, returning what it allocated (to dispose). */
function wasmCall(s: KernelSpec, inputs: tf.Tensor[]): tf.Tensor {
  const run = (name: string, ins: Record<string, tf.Tensor>, attrs: object) =>
    tf.engine().runKernel(name, ins, attrs as never) as tf.Tensor;
  if (s.kind === 'matmul') return tf.matMul(inputs[0], inputs[1]);
  const [x, f, dy] = inputs as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  if (s.kind === 'conv') return run('FusedConv2D', { x, filter: f, bias: inputs[3] }, { ...CONV, activation: 'relu' });
  if (s.kind === 'conv-dw') return run('Conv2DBackpropFilter', { x, dy }, { ...CONV, filterShape: f.shape });
  return run('Conv2DBackpropInput', { dy, filter: f }, { ...CONV, inputShape: x.shape });
}

function wasmInputs(s: KernelSpec): tf.Tensor[] {
  if (s.kind === 'matmul') return [tf.randomNormal([s.m, s.k]), tf.randomNormal([s.k, s.n])];
  const { n, h, w, cin, cout } = s;
  return [tf.randomNormal([n, h, w, cin]), tf.randomNormal([3, 3, cin, cout], 0, 0.1), tf.randomNormal([n, h, w, cout]), tf.zeros([cout])];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeWasm(s: KernelSpec): number {
  const inputs = wasmInputs(s);
  const times: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    const c0 = process.cpuUsage();
    for (let c = 0; c < s.calls; c++) {
      const out = wasmCall(s, inputs);
      out.dataSync();
      out.dispose();
    }
    // The first round warms the kernel up (allocations, im2col buffers) and is not counted.
    if (r > 0) {
      const c = process.cpuUsage(c0);
      times.push((c.user + c.system) / 1e6);
    }
  }
  tf.dispose(inputs);
  return median(times);
}

const info = await initBackend('wasm');
const quire = specs.map(timeWasm);
// OpenBLAS keeps its own thread pool whatever torch.set_num_threads says: one thread means
// one for both, or the small per-frame products wait on a second, busy core.
const oneThread = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
const torchRun = spawnSync(values.python!, ['bench/torch_kernel_flops.py', String(repeats)], {
  input: JSON.stringify(specs),
  encoding: 'utf8',
  env: oneThread,
});
const torch: number[] | undefined = torchRun.status === 0 ? JSON.parse(torchRun.stdout.trim().split('\n').pop()!) : undefined;
if (!torch) console.error(`PyTorch reference not run: ${torchRun.stderr || torchRun.error}`);

const gflops = (s: KernelSpec, seconds: number) => (s.flops * s.calls) / seconds / 1e9;
const lines = [
  `Kernels of one training step, ${values.batch} lines of ${values.height}×${values.width}, one thread (${info.name}${torch ? ' vs PyTorch + OpenBLAS' : ''}); CPU seconds for one step's worth (× calls)`,
  '',
  '| kernel | shape | GFLOP per step | quire s | quire GFLOP/s | torch s | torch GFLOP/s | quire / torch speed |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
let sumQ = 0;
let sumT = 0;
specs.forEach((s, i) => {
  const q = quire[i] * s.perStep;
  const t = torch ? torch[i] * s.perStep : NaN;
  sumQ += q;
  sumT += t;
  const g = (s.flops * s.calls * s.perStep) / 1e9;
  lines.push(
    `| ${s.name} | ${s.shape} | ${g.toFixed(2)} | ${q.toFixed(3)} | ${gflops(s, quire[i]).toFixed(1)} | ${torch ? t.toFixed(3) : '–'} | ${torch ? gflops(s, torch[i]).toFixed(1) : '–'} | ${torch ? (torch[i] / quire[i]).toFixed(2) + '×' : '–'} |`,
  );
});
const total = specs.reduce((a, s) => a + (s.flops * s.calls * s.perStep) / 1e9, 0);
lines.push(
  `| **all products of a step** | | ${total.toFixed(1)} | ${sumQ.toFixed(2)} | ${(total / sumQ).toFixed(1)} | ${torch ? sumT.toFixed(2) : '–'} | ${torch ? (total / sumT).toFixed(1) : '–'} | ${torch ? (sumT / sumQ).toFixed(2) + '×' : '–'} |`,
);
console.log(lines.join('\n'));
if (values.json) writeFileSync(values.json, JSON.stringify({ specs, quire, torch }, null, 1));
