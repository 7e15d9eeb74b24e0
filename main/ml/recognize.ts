// Reading lines with a trained recognizer: batches of similar width, greedy or beam
// decoding, text with per-character and per-line confidence; and the error report of a
// model on labeled lines.
import * as tf from '@tensorflow/tfjs';
import type { Codec } from './codec.ts';
import { yieldToEventLoop } from './optim.ts';
import type { Sample } from './data.ts';
import { decoderFor, type Decoding } from './decoding.ts';
import { makeBatch, type LineTensor } from './line-image.ts';
import { ErrorCounter, type ErrorReport } from './metrics.ts';
import { frameMask, widthStride, type Recognizer } from './model.ts';

export interface Reading {
  text: string;
  charConfidence: number[];
  confidence: number;
}

/** Reads one batch; `decoding` (decoding.ts) is best path by default. */
export function readBatch(model: Recognizer, codec: Codec, images: LineTensor[], decoding: Decoding = 1): Reading[] {
  const p = posteriors(model, images);
  const data = p.logProbs.dataSync() as Float32Array;
  p.logProbs.dispose();
  return decodeAll(p, data, codec, decoding);
}

/** readBatch for backends that can only read asynchronously (WebGPU in Node), and any other. */
export async function readBatchAsync(model: Recognizer, codec: Codec, images: LineTensor[], decoding: Decoding = 1): Promise<Reading[]> {
  const p = posteriors(model, images);
  const data = (await p.logProbs.data()) as Float32Array;
  p.logProbs.dispose();
  return decodeAll(p, data, codec, decoding);
}

/** Log-posteriors [N, T, C] of one batch (the caller disposes `logProbs`) and each line's frame count. */
export function posteriors(model: Recognizer, images: LineTensor[]) {
  const stride = widthStride(model.config);
  const batch = makeBatch(images, stride);
  const T = batch.shape[2] / stride;
  const lengths = batch.widths.map((w) => Math.max(1, Math.ceil(w / stride)));
  const logProbs = tf.tidy(() => tf.logSoftmax(model.logits(tf.tensor4d(batch.images, batch.shape), frameMask(lengths, T))));
  return { logProbs, lengths, T, C: model.config.classes };
}

export function decodeAll(p: { lengths: number[]; T: number; C: number }, data: Float32Array, codec: Codec, decoding: Decoding): Reading[] {
  const { T, C } = p;
  const decode = decoderFor(decoding, codec);
  return p.lengths.map((length, n) => {
    const posteriors = { logProbs: data.subarray(n * T * C, (n + 1) * T * C), length, classes: C };
    const d = decode(posteriors);
    return { text: codec.decode(d.labels), charConfidence: d.charConfidence, confidence: d.lineConfidence };
  });
}

/** Reads any number of lines, `batchSize` at a time in order of width; results in input order. */
export function readLines(model: Recognizer, codec: Codec, images: LineTensor[], batchSize = 16, decoding: Decoding = 1): Reading[] {
  const order = [...images.keys()].sort((a, b) => images[a].width - images[b].width);
  const out: Reading[] = new Array(images.length);
  for (let i = 0; i < order.length; i += batchSize) {
    const chunk = order.slice(i, i + batchSize);
    readBatch(
      model,
      codec,
      chunk.map((k) => images[k]),
      decoding,
    ).forEach((r, j) => {
      out[chunk[j]] = r;
    });
  }
  return out;
}

/** readLines through readBatchAsync: works on every backend, WebGPU included. */
export async function readLinesAsync(
  model: Recognizer,
  codec: Codec,
  images: readonly LineTensor[],
  batchSize = 16,
  decoding: Decoding = 1,
): Promise<Reading[]> {
  return (await readInWidthOrder(images, batchSize, {}, (batch) => readBatchAsync(model, codec, batch, decoding)))!;
}

export interface ReadControl {
  signal?: AbortSignal;
  /** Lines read so far, after every batch (and 0 at the start). */
  onBatch?: (done: number) => void;
}

/**
 * Reads lines `batchSize` at a time in order of width (little padding) with `read`;
 * results in input order. Yields to the event loop between batches, reports progress,
 * and stops when `control.signal` aborts, returning undefined.
 */
export async function readInWidthOrder(
  images: readonly LineTensor[],
  batchSize: number,
  control: ReadControl,
  read: (batch: LineTensor[]) => Promise<Reading[]>,
): Promise<Reading[] | undefined> {
  const order = [...images.keys()].sort((a, b) => images[a].width - images[b].width);
  const out: Reading[] = new Array(images.length);
  control.onBatch?.(0);
  for (let i = 0; i < order.length; i += batchSize) {
    await yieldToEventLoop();
    if (control.signal?.aborted) return undefined;
    const chunk = order.slice(i, i + batchSize);
    (await read(chunk.map((k) => images[k]))).forEach((r, j) => {
      out[chunk[j]] = r;
    });
    control.onBatch?.(Math.min(order.length, i + batchSize));
  }
  return out;
}

/** CER, WER and confusions of the model's greedy readings against the samples' texts. */
export function evaluate(model: Recognizer, codec: Codec, samples: Sample[], batchSize = 16): ErrorReport {
  const counter = new ErrorCounter();
  const readings = readLines(
    model,
    codec,
    samples.map((s) => s.image),
    batchSize,
  );
  samples.forEach((s, i) => counter.add(s.text, readings[i].text));
  return counter.report();
}
