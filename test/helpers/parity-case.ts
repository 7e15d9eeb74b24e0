// One backend's answers to the backend parity suite (test/unit/ml/backend-parity.test.ts):
// the loss and gradients of a small padded batch with dropout, the loss after two Adam
// steps, and the bundled base model's greedy readings of held-out-hand lines of several
// widths (real text, so a disagreement shows as a different reading), all through the production
// paths (lossAndGradients, readLinesAsync) that training and transcription use on that
// backend. Run as `node --import tsx test/helpers/parity-case.ts BACKEND`; the backend is
// chosen once per process, so each backend runs in its own. Prints one JSON line; exit
// code 3 with the reason when the backend is not available here.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../main/ml/backend.ts';
import { loadModel } from '../../main/ml/checkpoint.ts';
import { toLineTensor } from '../../main/ml/line-image.ts';
import { lossAndGradients, shardInput } from '../../main/ml/gradients.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { readLinesAsync } from '../../main/ml/recognize.ts';
import { TINY, tinyCodec, tinyLines } from './tiny-model.ts';
import { HELD_OUT_FONTS, synthLine } from '../../bench/synth/handwriting.ts';

export interface ParityResult {
  backend: string;
  provider: string;
  loss: number;
  grads: Record<string, number[]>;
  lossAfterSteps: number[];
  readings: Array<{ text: string; confidence: number }>;
}

const backendName = process.argv[2];
try {
  await initBackend(backendName);
} catch (e) {
  process.stdout.write(JSON.stringify({ unavailable: (e as Error).message }) + '\n', () => process.exit(3));
  await new Promise(() => {});
}
const info = (await import('../../main/ml/backend.ts')).currentBackend()!;
const codec = tinyCodec();
// Lines of different widths: padding and masking are part of what must agree.
const lines = tinyLines(4, 23).sort((a, b) => a.image.width - b.image.width);
const model = new Recognizer({ ...TINY, classes: codec.classes }, 5);
const variables = model.variables();
// Weight names carry a random suffix per process; report them by their model name.
const names = new Map([...model.weights.entries()].map(([k, v]) => [v.name, k]));
const input = shardInput(lines, model.config, codec);

const first = await lossAndGradients(model, variables, input, 3, 1 / lines.length);
const grads: Record<string, number[]> = {};
for (const [name, g] of Object.entries(first.grads)) grads[names.get(name)!] = Array.from(await g.data());

const optimizer = tf.train.adam(1e-2);
const lossAfterSteps: number[] = [];
let g = first.grads;
for (let step = 1; step <= 2; step++) {
  optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: g[v.name] })));
  tf.dispose(Object.values(g));
  const r = await lossAndGradients(model, variables, input, 3 + step, 1 / lines.length);
  lossAfterSteps.push(r.loss);
  g = r.grads;
}
tf.dispose(Object.values(g));

const base = loadModel(new URL('../../resources/models/base.qmodel', import.meta.url).pathname);
const images = Array.from({ length: 3 }, (_, i) =>
  synthLine(4343, i, { fonts: HELD_OUT_FONTS, minWords: 1, maxWords: 3, digitShare: 0 }),
).map((l) => toLineTensor(l.image, base.model.config.height));
const readings = (await readLinesAsync(base.model, base.codec, images, images.length)).map((r) => ({
  text: r.text,
  confidence: r.confidence,
}));
// Exit once the line is written (stdout to a pipe is asynchronous, and Dawn would keep the
// process alive).
const result = { backend: info.name, provider: info.provider, loss: first.loss, grads, lossAfterSteps, readings } satisfies ParityResult;
process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
