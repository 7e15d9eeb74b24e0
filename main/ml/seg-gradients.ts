// The loss and gradients of one shard of a segmentation batch: the unit of work that
// segmenter training runs on the main thread and, data-parallel, on worker threads
// (parallel.ts, gradient-worker.ts), as gradients.ts is for the recognizer.
import * as tf from '@tensorflow/tfjs';
import type { SegNet } from './seg-net.ts';

/** A shard of crops as plain data, so it can be posted to a worker. */
export interface SegShard {
  /** Normalised crops [batch, crop, crop, 1]. */
  input: Float32Array;
  /** 0/1 targets [batch, crop, crop, maps]. */
  target: Float32Array;
  batch: number;
  crop: number;
  positiveWeight: number[];
  /** The shard's share of the whole batch: its mean loss is scaled by it, so shards sum to the batch mean. */
  scale: number;
}

/** Mean weighted logistic loss of logits z against 0/1 targets y; positives of map m weigh w[m]. */
export function segLoss(logits: tf.Tensor4D, target: tf.Tensor4D, positiveWeight: number[]): tf.Scalar {
  return tf.tidy(() => {
    const z = logits;
    const bce = tf.add(tf.sub(tf.relu(z), tf.mul(z, target)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    const w = tf.add(1, tf.mul(target, tf.sub(tf.tensor1d(positiveWeight), 1)));
    return tf.mean(tf.mul(bce, w)) as tf.Scalar;
  });
}

/** The shard's scaled loss and its gradients by variable name; the caller disposes both. */
export function segShardGradients(net: SegNet, shard: SegShard): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const maps = net.config.outputs;
  const x = tf.tensor4d(shard.input, [shard.batch, shard.crop, shard.crop, 1]);
  const y = tf.tensor4d(shard.target, [shard.batch, shard.crop, shard.crop, maps]);
  const result = tf.variableGrads(() => tf.mul(segLoss(net.logits(x), y, shard.positiveWeight), shard.scale) as tf.Scalar, net.variables);
  tf.dispose([x, y]);
  return result;
}

/** Splits a batch of crops into `parts` shards of whole crops (the first ones one larger when it does not divide). */
export function splitSegBatch(whole: Omit<SegShard, 'scale'>, maps: number, parts: number): SegShard[] {
  const n = Math.min(parts, whole.batch);
  const pixels = whole.crop * whole.crop;
  const shards: SegShard[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const batch = Math.floor(whole.batch / n) + (i < whole.batch % n ? 1 : 0);
    shards.push({
      input: whole.input.slice(at * pixels, (at + batch) * pixels),
      target: whole.target.slice(at * pixels * maps, (at + batch) * pixels * maps),
      batch,
      crop: whole.crop,
      positiveWeight: whole.positiveWeight,
      scale: batch / whole.batch,
    });
    at += batch;
  }
  return shards;
}
