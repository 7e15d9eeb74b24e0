// The recognizer exported to ONNX must compute tfjs's log-probabilities (to 1e-4, the bar
// of the engine-speed issue) at every real frame, for every layer layout we ship, with
// lines of different widths in one batch (the LSTM's sequence lengths), and read the same
// text. Skipped, saying why, where onnxruntime-node is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { loadModel } from '../../../main/ml/checkpoint.ts';
import { makeBatch, toLineTensor, type LineTensor } from '../../../main/ml/line-image.ts';
import { startLineReader } from '../../../main/ml/line-reader.ts';
import { DEFAULT_CONFIG, frameMask, Recognizer, widthStride, type RecognizerConfig } from '../../../main/ml/model.ts';
import { recognizerToOnnx } from '../../../main/ml/onnx-export.ts';
import { loadOnnxRuntime, onnxRuntimeProblem } from '../../../main/ml/onnx-reader.ts';
import { readLines } from '../../../main/ml/recognize.ts';
import { REAL_CONFIGS } from '../../../bench/real/configs.ts';
import { HELD_OUT_FONTS, synthLine } from '../../../bench/synth/handwriting.ts';

const backend = await initBackend();
const ort = await loadOnnxRuntime();
const skip = ort ? false : `${onnxRuntimeProblem()} (optional dependency)`;

function randomLines(height: number, widths: number[], seed: number): LineTensor[] {
  return widths.map((width, n) => {
    const data = tf.tidy(() => tf.randomUniform([height * width], 0, 1, 'float32', seed + n).dataSync() as Float32Array);
    return { width, height, data: data.map((v) => (v < 0.7 ? 0 : v)) };
  });
}

async function maxDifference(model: Recognizer, lines: LineTensor[]): Promise<number> {
  const stride = widthStride(model.config);
  const batch = makeBatch(lines, stride);
  const [N, H, W] = batch.shape;
  const T = W / stride;
  const lengths = batch.widths.map((w) => Math.max(1, Math.ceil(w / stride)));
  const expected = tf.tidy(
    () => tf.logSoftmax(model.logits(tf.tensor4d(batch.images, batch.shape), frameMask(lengths, T))).dataSync() as Float32Array,
  );
  const session = await ort!.InferenceSession.create(recognizerToOnnx(model));
  const { logProbs } = await session.run({
    image: new ort!.Tensor('float32', batch.images, [N, 1, H, W]),
    lengths: new ort!.Tensor('int32', Int32Array.from(lengths), [N]),
  });
  await session.release();
  assert.deepEqual(logProbs.dims, [N, T, model.config.classes]);
  const actual = logProbs.data as Float32Array;
  const C = model.config.classes;
  let worst = 0;
  lengths.forEach((length, n) => {
    for (let i = n * T * C; i < (n * T + length) * C; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  });
  return worst;
}

const layouts: Array<[string, RecognizerConfig]> = [
  ['default 32 px', { ...DEFAULT_CONFIG, classes: 40 }],
  ['h48s4', { ...REAL_CONFIGS.h48s4, classes: 124 }],
  ['h64s8w, three BiLSTM layers', { ...REAL_CONFIGS.h64s8w, lstmLayers: 3, lstmUnits: 48, classes: 30 }],
];

for (const [name, config] of layouts) {
  test(`ONNX log-probabilities match tfjs's: ${name}`, { skip }, async () => {
    const model = new Recognizer(config, 17);
    try {
      // Widths that leave different numbers of padded frames, the widest first.
      const worst = await maxDifference(model, randomLines(config.height, [203, 64, 150, 9], 5));
      assert.ok(worst < 1e-4, `max |Δ log p| ${worst}`);
    } finally {
      model.dispose();
    }
  });
}

test('the ONNX reader reads what tfjs reads, greedy and beam, in input order', { skip }, async () => {
  const { model, codec } = loadModel(new URL('../../../resources/models/base.qmodel', import.meta.url).pathname);
  const images = Array.from({ length: 7 }, (_, i) =>
    synthLine(6161, i, { fonts: HELD_OUT_FONTS, minWords: 1 + (i % 3), maxWords: 1 + (i % 3) * 2, digitShare: 0 }),
  ).map((l) => toLineTensor(l.image, model.config.height));
  const reader = await startLineReader(model, codec, backend.name, 2, 'onnx');
  try {
    assert.equal(reader.engine, 'onnxruntime');
    for (const beam of [1, 4]) {
      const expected = readLines(model, codec, images, 3, beam);
      const actual = (await reader.readLines(images, 3, beam))!;
      assert.deepEqual(
        actual.map((r) => r.text),
        expected.map((r) => r.text),
      );
      actual.forEach((r, i) => assert.ok(Math.abs(r.confidence - expected[i].confidence) < 1e-3));
      assert.ok(
        expected.some((r) => r.text.length > 3),
        'the base model reads real text',
      );
    }
    const stop = new AbortController();
    const progress: number[] = [];
    const stopped = await reader.readLines(images, 3, 1, {
      signal: stop.signal,
      onBatch: (done) => {
        progress.push(done);
        if (done >= 3) stop.abort();
      },
    });
    assert.equal(stopped, undefined);
    assert.deepEqual(progress, [0, 3]);
  } finally {
    await reader.stop();
    model.dispose();
  }
});

test('QUIRE_READER chooses the engine and refuses what it does not know', async () => {
  const { model, codec } = loadModel(new URL('../../../resources/models/base.qmodel', import.meta.url).pathname);
  try {
    const tfjs = await startLineReader(model, codec, backend.name, 1, 'tfjs');
    assert.equal(tfjs.engine, 'tfjs');
    await tfjs.stop();
    await assert.rejects(startLineReader(model, codec, backend.name, 1, 'fast'), /QUIRE_READER=fast is not one of onnx, tfjs/);
    // On a GPU backend tfjs keeps reading on the device unless ONNX is asked for.
    const onGpu = await startLineReader(model, codec, 'tensorflow', 1, undefined).catch(() => undefined);
    if (onGpu) {
      assert.equal(onGpu.engine, 'tfjs');
      await onGpu.stop();
    }
  } finally {
    model.dispose();
  }
});
