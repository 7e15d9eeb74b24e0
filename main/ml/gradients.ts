// The loss and gradients of one shard of a batch, the unit of work that the training loop
// runs on the main thread and, for data parallelism, on worker threads.
import * as tf from '@tensorflow/tfjs';
import { hasSyncReads } from './backend.ts';
import { ctcLoss, ctcLossAndGrad } from './ctc.ts';
import type { Sample } from './data.ts';
import { makeBatch } from './line-image.ts';
import { frameMask, framesFor, widthStride, type Recognizer, type RecognizerConfig } from './model.ts';
import type { Codec } from './codec.ts';

/** A shard as plain data, so it can be posted to a worker. */
export interface ShardInput {
  images: Float32Array;
  shape: [number, number, number, number];
  lengths: number[];
  labels: number[][];
  /** Each line's loss weight (Sample.weight, 1 when absent). */
  weights: number[];
}

export function shardInput(samples: Sample[], config: RecognizerConfig, codec: Codec): ShardInput {
  const stride = widthStride(config);
  const batch = makeBatch(
    samples.map((s) => s.image),
    stride,
  );
  const T = batch.shape[2] / stride;
  const lengths = batch.widths.map((w) => Math.max(1, Math.min(T, framesFor(Math.ceil(w / stride) * stride, config))));
  return {
    images: batch.images,
    shape: batch.shape,
    lengths,
    labels: samples.map((s) => codec.encode(s.text)),
    weights: samples.map((s) => s.weight ?? 1),
  };
}

/** Splits a width-sorted batch so that every shard gets a similar mix of widths. */
export function splitBatch<T>(items: T[], shards: number): T[][] {
  const out: T[][] = Array.from({ length: Math.min(shards, items.length) }, () => []);
  items.forEach((item, i) => out[i % out.length].push(item));
  return out;
}

/**
 * Most pixels of line images that one forward and backward pass holds (four lines of the
 * real-line size, 48×1200). The tape keeps every layer's activations, ~70 MB per such line,
 * and a wasm instance never gives its heap back; so a shard above this is run as
 * micro-batches whose gradients are summed. Short lines (the 32×256 shards of a batch of
 * 16) stay in one pass, and give the results of before.
 */
export const MICRO_BATCH_PIXELS = 4 * 48 * 1200;

/**
 * Σ_n scale · w_n · loss_n / |label_n| over the shard, and its gradients (w_n: the line's
 * loss weight). With scale = 1/N for a batch of N lines, the shards' results add up to the
 * batch mean; a line of weight w contributes w times what it would with weight 1 (the
 * mean is over lines, not over weights, so lighter lines never inflate the others).
 * Micro-batch k after the first draws its dropout masks from its own seed.
 */
export function shardGradients(
  model: Recognizer,
  variables: tf.Variable[],
  input: ShardInput,
  dropoutSeed: number,
  scale: number,
  budget = MICRO_BATCH_PIXELS,
) {
  const parts = microBatches(input, budget);
  let total: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
  try {
    parts.forEach((part, k) => {
      const r = passGradients(model, variables, part, dropoutSeed + 7919 * k, scale);
      if (!total) {
        total = r;
        return;
      }
      const sum = total;
      total = tf.tidy(() => ({
        value: tf.add(sum.value, r.value) as tf.Scalar,
        grads: Object.fromEntries(Object.keys(sum.grads).map((name) => [name, tf.add(sum.grads[name], r.grads[name])])),
      }));
      tf.dispose([sum.value, r.value, sum.grads, r.grads]);
    });
  } catch (error) {
    // A failed micro-batch must not leave the sums of those before it on the (never shrinking) heap.
    if (total) tf.dispose([total.value, total.grads]);
    throw error;
  }
  return total!;
}

/** The shard's lines in consecutive groups of at most `budget` pixels each (at least one line per group). */
export function microBatches(input: ShardInput, budget: number): ShardInput[] {
  const [N, H, W, C] = input.shape;
  const per = Math.max(1, Math.floor(budget / (H * W * C)));
  if (per >= N) return [input];
  const size = H * W * C;
  const out: ShardInput[] = [];
  for (let n0 = 0; n0 < N; n0 += per) {
    const n1 = Math.min(N, n0 + per);
    out.push({
      images: input.images.subarray(n0 * size, n1 * size),
      shape: [n1 - n0, H, W, C],
      lengths: input.lengths.slice(n0, n1),
      labels: input.labels.slice(n0, n1),
      weights: input.weights.slice(n0, n1),
    });
  }
  return out;
}

function passGradients(model: Recognizer, variables: tf.Variable[], input: ShardInput, dropoutSeed: number, scale: number) {
  const images = tf.tensor4d(input.images, input.shape);
  const mask = frameMask(input.lengths, input.shape[2] / widthStride(model.config));
  const weights = tf.tensor1d(input.labels.map((l, n) => (scale * input.weights[n]) / Math.max(1, l.length)));
  const result = tf.variableGrads(() => {
    const logits = model.logits(images, mask, dropoutSeed);
    return tf.sum(tf.mul(ctcLoss(logits, input.labels, input.lengths), weights)) as tf.Scalar;
  }, variables);
  tf.dispose([images, mask, weights]);
  return result;
}

/**
 * The same loss and gradients without reading tensors inside the tape, for backends that
 * can only read asynchronously (WebGPU in Node). Two passes: the logits are computed and
 * read, CTC's loss and gradient G come from them in JS, then the tape differentiates
 * Σ logits·G, whose gradient is exactly the loss's (dropout masks follow from the seed,
 * so both passes see the same network). Costs one extra forward pass.
 */
export async function shardGradientsAsync(
  model: Recognizer,
  variables: tf.Variable[],
  input: ShardInput,
  dropoutSeed: number,
  scale: number,
) {
  const images = tf.tensor4d(input.images, input.shape);
  const mask = frameMask(input.lengths, input.shape[2] / widthStride(model.config));
  // The first pass's intermediates (conv, LSTM, dropout) are dropped with tidy; only the
  // logits are kept, to be read.
  const logits = tf.tidy(() => model.logits(images, mask, dropoutSeed));
  const shape = logits.shape as [number, number, number];
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  const { nll, grad } = ctcLossAndGrad({ logits: data, shape, labels: input.labels, inputLengths: input.lengths });
  const [N, T, C] = shape;
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const w = (scale * input.weights[n]) / Math.max(1, input.labels[n].length);
    // zero_infinity: an impossible line adds nothing (its gradient is already zero).
    if (Number.isFinite(nll[n])) loss += w * nll[n];
    for (let i = n * T * C; i < (n + 1) * T * C; i++) grad[i] *= w;
  }
  const g = tf.tensor3d(grad, shape);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.logits(images, mask, dropoutSeed), g)) as tf.Scalar, variables);
  tf.dispose([images, mask, g, value]);
  return { loss, grads };
}

/** Loss (a number) and gradients of one shard, by whichever path the backend allows. */
export async function lossAndGradients(model: Recognizer, variables: tf.Variable[], input: ShardInput, dropoutSeed: number, scale: number) {
  if (!hasSyncReads()) return shardGradientsAsync(model, variables, input, dropoutSeed, scale);
  const r = shardGradients(model, variables, input, dropoutSeed, scale);
  const loss = (await r.value.data())[0];
  r.value.dispose();
  return { loss, grads: r.grads };
}
