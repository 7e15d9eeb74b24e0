// One backend's throughput, in its own process (the backend is chosen once per process):
// training steps and transcription of batches of 16 generated lines at 32×256, the
// architecture of DEFAULT_CONFIG. Prints one JSON line. Used by bench/run.ts.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../main/ml/backend.ts';
import { ctcLoss } from '../main/ml/ctc.ts';
import { greedyDecode } from '../main/ml/decode.ts';
import { toLineTensor } from '../main/ml/line-image.ts';
import { DEFAULT_CONFIG, Recognizer, frameMask } from '../main/ml/model.ts';
import { synthLine, syntheticCharset } from './synth/handwriting.ts';

const { values } = parseArgs({ options: { backend: { type: 'string' }, steps: { type: 'string', default: '5' }, batch: { type: 'string', default: '16' } } });
const info = await initBackend(values.backend);
const N = Number(values.batch);
const H = 32;
const W = 256;
const T = W / 4;
const codec = syntheticCharset();
const model = new Recognizer({ ...DEFAULT_CONFIG, height: H, classes: codec.classes }, 1);

// Real handwriting, each line fitted into 32×256 (as the PyTorch reference is fed).
const images = new Float32Array(N * H * W);
const labels: number[][] = [];
for (let n = 0; n < N; n++) {
  const line = synthLine(77, n, { minWords: 2, maxWords: 3, digitShare: 0 });
  const t = toLineTensor(line.image, H, W);
  for (let y = 0; y < H; y++) images.set(t.data.subarray(y * t.width, (y + 1) * t.width), (n * H + y) * W);
  labels.push(codec.encode(line.text).slice(0, T / 2));
}
const x = tf.tensor4d(images, [N, H, W, 1]);
const mask = frameMask(Array(N).fill(T), T);
const lengths = Array(N).fill(T);
const optimizer = tf.train.adam(1e-3);
const variables = model.variables();

function trainStep(): void {
  const { value, grads } = tf.variableGrads(() => tf.mean(ctcLoss(model.logits(x, mask, 1), labels, lengths)) as tf.Scalar, variables);
  optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
  value.dataSync();
  tf.dispose([value, grads]);
}

function transcribe(): void {
  const logProbs = tf.tidy(() => tf.logSoftmax(model.logits(x, mask)));
  const data = logProbs.dataSync() as Float32Array;
  logProbs.dispose();
  const C = codec.classes;
  for (let n = 0; n < N; n++) greedyDecode({ logProbs: data.subarray(n * T * C, (n + 1) * T * C), length: T, classes: C });
}

function timeIt(f: () => void, reps: number): number {
  f(); // warm-up: kernel set-up, JIT
  const start = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - start) / 1000 / reps;
}

const steps = Number(values.steps);
const trainSeconds = timeIt(trainStep, steps);
const inferSeconds = timeIt(transcribe, steps * 2);
console.log(JSON.stringify({
  engine: 'quire', backend: info.name, batch: N, trainStepSeconds: trainSeconds, trainLinesPerSecond: N / trainSeconds,
  inferLinesPerSecond: N / inferSeconds, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
