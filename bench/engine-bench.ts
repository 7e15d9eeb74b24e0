// One backend's throughput, in its own process (the backend is chosen once per process):
// training steps (data-parallel over --threads) and transcription of batches of 16
// generated lines at --height × --width (default 32×256; real manuscript lines are
// ~1200 px wide at the recognizer's 48 px), the architecture of DEFAULT_CONFIG at that
// height. Prints one JSON line.
// Used by bench/run.ts. Peak RSS counts the main thread's process (workers included).
// Reading goes through the line reader transcription uses (line-reader.ts): ONNX Runtime
// where it loads, else tfjs on the reading pool; --reader onnx|tfjs chooses, --read-only
// skips training (for a reading row of another engine).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../main/ml/backend.ts';
import { toLineTensor, type LineTensor } from '../main/ml/line-image.ts';
import { startLineReader, type LineReader } from '../main/ml/line-reader.ts';
import { DEFAULT_CONFIG, Recognizer } from '../main/ml/model.ts';
import { lossAndGradients, splitBatch, type ShardInput } from '../main/ml/gradients.ts';
import { ParallelGradients } from '../main/ml/parallel.ts';
import { ArraySource } from '../main/ml/data.ts';
import { pretrain } from '../main/ml/seqclr/pretrain.ts';
import { synthLine, syntheticCharset } from './synth/handwriting.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    steps: { type: 'string', default: '5' },
    batch: { type: 'string', default: '16' },
    threads: { type: 'string', default: '1' },
    height: { type: 'string', default: '32' },
    width: { type: 'string', default: '256' },
    reader: { type: 'string' },
    'read-only': { type: 'boolean', default: false },
    // Leaves SeqCLR out (its column reads '-'), for checks that have minutes, not hours.
    'no-seqclr': { type: 'boolean', default: false },
  },
});
const info = await initBackend(values.backend);
const N = Number(values.batch);
const H = Number(values.height);
const W = Number(values.width);
const T = W / 4;
// Wide lines get longer texts, so the image is mostly ink as on a real page.
const words = W >= 768 ? { minWords: 7, maxWords: 10 } : { minWords: 2, maxWords: 3 };
const codec = syntheticCharset();
const model = new Recognizer({ ...DEFAULT_CONFIG, height: H, classes: codec.classes }, 1);

// Generated handwriting, each line fitted into H×W (the PyTorch reference is fed H×W too).
const images = new Float32Array(N * H * W);
const labels: number[][] = [];
for (let n = 0; n < N; n++) {
  const line = synthLine(77, n, { ...words, digitShare: 0 });
  const t = toLineTensor(line.image, H, W);
  for (let y = 0; y < H; y++) images.set(t.data.subarray(y * t.width, (y + 1) * t.width), (n * H + y) * W);
  labels.push(codec.encode(line.text).slice(0, T / 2));
}
const optimizer = tf.train.adam(1e-3);
const variables = model.variables();
const threads = Number(values.threads);
const pool = threads > 1 ? await ParallelGradients.start({ kind: 'recognizer', config: model.config }, info.name, threads) : undefined;
const shards: ShardInput[] = splitBatch([...Array(N).keys()], threads).map((rows) => {
  const shard = new Float32Array(rows.length * H * W);
  rows.forEach((n, k) => shard.set(images.subarray(n * H * W, (n + 1) * H * W), k * H * W));
  return {
    images: shard,
    shape: [rows.length, H, W, 1],
    lengths: rows.map(() => T),
    labels: rows.map((n) => labels[n]),
    weights: rows.map(() => 1),
  };
});

async function trainStep(): Promise<void> {
  let grads: tf.NamedTensorMap;
  if (pool) {
    grads = (await pool.compute(model, variables, shards, 1, 1 / N)).grads;
  } else {
    // The path training takes on this backend: WebGPU in Node cannot read synchronously.
    grads = (await lossAndGradients(model, variables, shards[0], 1, 1 / N)).grads;
  }
  optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
  tf.dispose(Object.values(grads));
}

// Transcription: four batches of N lines per call, so a pool has batches to share.
const lines: LineTensor[] = Array.from({ length: 4 * N }, (_, k) => ({
  width: W,
  height: H,
  data: images.subarray((k % N) * H * W, ((k % N) + 1) * H * W),
}));
let reader: LineReader | undefined;
async function transcribe(): Promise<void> {
  await reader!.readLines(lines, N);
}

/** Wall seconds per call, and CPU seconds of the whole process (all threads) per call. */
async function timeIt(f: () => void | Promise<void>, reps: number): Promise<{ wall: number; cpu: number }> {
  await f(); // warm-up: kernel set-up, JIT
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) await f();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - start) / 1000 / reps, cpu: (cpu.user + cpu.system) / 1e6 / reps };
}

const steps = Number(values.steps);
// CPU time is reported beside wall time: on a loaded machine it moves far less than wall
// time, so it is what compares two versions of the engine measured at different moments.
const train = values['read-only'] ? { wall: NaN, cpu: NaN } : await timeIt(trainStep, steps);
const trainSeconds = train.wall;
// Training and transcription are separate jobs: the training workers stop before the
// reading workers start, so peak RSS is that of the larger, not of both.
await pool?.stop();

/** SeqCLR pretraining (window mapping, MLP head, mild views) on the same lines and threads; the first step is warm-up. */
async function seqclrLinesPerSecond(): Promise<number> {
  const times: number[] = [];
  const source = new ArraySource(lines.slice(0, N).map((image) => ({ image, text: '' })));
  const r = await pretrain(model, source, {
    steps: steps + 1,
    batchSize: N,
    threads,
    checkpointEvery: 0,
    onProgress: () => times.push(performance.now()),
  });
  r.head.dispose();
  return (steps * N) / ((times[steps] - times[0]) / 1000);
}
const seqclr = values['read-only'] || values['no-seqclr'] ? NaN : await seqclrLinesPerSecond();
reader = await startLineReader(model, codec, info.name, threads, values.reader);
const inferSeconds = (await timeIt(transcribe, steps)).wall / 4;
await reader.stop();
// Exit once the line is written: Dawn (WebGPU) would keep the process alive.
process.stdout.write(
  JSON.stringify({
    engine: 'quire',
    backend: info.name,
    reader: reader.engine,
    threads,
    batch: N,
    height: H,
    width: W,
    trainStepSeconds: trainSeconds,
    trainStepCpuSeconds: train.cpu,
    trainLinesPerSecond: N / trainSeconds,
    inferLinesPerSecond: N / inferSeconds,
    seqclrLinesPerSecond: seqclr,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
  () => process.exit(0),
);
