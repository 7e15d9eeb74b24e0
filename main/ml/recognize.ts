// Reading lines with a trained recognizer: batches of similar width, greedy or beam
// decoding, text with per-character and per-line confidence; and the error report of a
// model on labeled lines.
import * as tf from '@tensorflow/tfjs';
import type { Codec } from './codec.ts';
import type { Sample } from './data.ts';
import { beamDecode, greedyDecode } from './decode.ts';
import { makeBatch, type LineTensor } from './line-image.ts';
import { ErrorCounter, type ErrorReport } from './metrics.ts';
import { frameMask, widthStride, type Recognizer } from './model.ts';

export interface Reading {
  text: string;
  charConfidence: number[];
  confidence: number;
}

/** Reads one batch; `beamWidth` > 1 uses prefix beam search instead of best path. */
export function readBatch(model: Recognizer, codec: Codec, images: LineTensor[], beamWidth = 1): Reading[] {
  const stride = widthStride(model.config);
  const batch = makeBatch(images, stride);
  const T = batch.shape[2] / stride;
  const lengths = batch.widths.map((w) => Math.max(1, Math.ceil(w / stride)));
  const logProbs = tf.tidy(() => tf.logSoftmax(model.logits(tf.tensor4d(batch.images, batch.shape), frameMask(lengths, T))));
  const data = logProbs.dataSync() as Float32Array;
  logProbs.dispose();
  const C = model.config.classes;
  return lengths.map((length, n) => {
    const posteriors = { logProbs: data.subarray(n * T * C, (n + 1) * T * C), length, classes: C };
    const d = beamWidth > 1 ? beamDecode(posteriors, beamWidth) : greedyDecode(posteriors);
    return { text: codec.decode(d.labels), charConfidence: d.charConfidence, confidence: d.lineConfidence };
  });
}

/** Reads any number of lines, `batchSize` at a time in order of width; results in input order. */
export function readLines(model: Recognizer, codec: Codec, images: LineTensor[], batchSize = 16, beamWidth = 1): Reading[] {
  const order = [...images.keys()].sort((a, b) => images[a].width - images[b].width);
  const out: Reading[] = new Array(images.length);
  for (let i = 0; i < order.length; i += batchSize) {
    const chunk = order.slice(i, i + batchSize);
    readBatch(model, codec, chunk.map((k) => images[k]), beamWidth).forEach((r, j) => { out[chunk[j]] = r; });
  }
  return out;
}

/** CER, WER and confusions of the model's greedy readings against the samples' texts. */
export function evaluate(model: Recognizer, codec: Codec, samples: Sample[], batchSize = 16): ErrorReport {
  const counter = new ErrorCounter();
  const readings = readLines(model, codec, samples.map((s) => s.image), batchSize);
  samples.forEach((s, i) => counter.add(s.text, readings[i].text));
  return counter.report();
}
