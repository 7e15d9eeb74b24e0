// A SeqCLR step on the data-parallel pool (parallel.ts): the batch's 2N views are dealt to
// the threads, every thread makes and encodes its views, the main thread computes NT-Xent
// over all instances and sends each thread its part of dL/dz, and the threads'
// gradients are summed (the scheme is explained in contrastive-shard.ts).
import * as tf from '@tensorflow/tfjs';
import { flatWeights, type ParallelGradients } from '../parallel.ts';
import type { Recognizer } from '../model.ts';
import type { HeadState, WorkerReply } from '../gradient-worker.ts';
import { disposeViews, shardBackward, shardInstances, shardViews, type ContrastiveShardInput } from './contrastive-shard.ts';
import type { ProjectionHead } from './heads.ts';
import type { Mapping } from './instances.ts';
import { ntXent } from './ntxent.ts';

export interface ContrastiveStep {
  /** One input per thread (the main thread's first); `views[s]` lists shard s's views by batch index. */
  shards: ContrastiveShardInput[];
  views: number[][];
  temperature: number;
}

const rowsOfView = (mapping: Mapping, length: number) =>
  mapping.kind === 'frame' ? length : mapping.kind === 'all' ? 1 : mapping.instances;

/**
 * The contrastive loss of the batch and its gradients for `variables`, whose worker-side
 * names are `keys` (model weight names, `head/<name>` for the projection head's).
 */
export async function contrastiveStep(
  pool: ParallelGradients,
  model: Recognizer,
  head: ProjectionHead,
  variables: tf.Variable[],
  keys: string[],
  step: ContrastiveStep,
): Promise<{ loss: number; grads: tf.NamedTensorMap }> {
  const { shards, views } = step;
  const weights = flatWeights(model.weights.values());
  const headState: HeadState = { kind: head.kind, inputSize: 0, size: head.size, weights: flatWeights(head.weights.values()) };
  headState.inputSize = head.kind === 'none' ? head.size : [...head.weights.values()][0].shape[0];
  const remote = shards.slice(1).map((input, i) => pool.send(i, { kind: 'contrastive-forward', weights, head: headState, input }));
  // Whatever fails first, the other replies are still awaited (no unhandled rejection).
  const remoteDone = Promise.allSettled(remote);
  const ownViews = shardViews(model, shards[0]);
  let ownGrads: tf.NamedTensorMap | undefined;
  try {
    const ownZ = shardInstances(model, head, ownViews, shards[0]);
    const ownReply = {
      kind: 'instances',
      z: ownZ.dataSync() as Float32Array,
      rows: ownZ.shape[0],
      columns: ownZ.shape[1],
      lengths: ownViews.lengths,
    } as const;
    ownZ.dispose();
    await remoteDone;
    const replies = [ownReply, ...(await Promise.all(remote)).map((r) => expect(r, 'instances'))];
    const columns = ownReply.columns;
    // Where each view's instances lie: in its shard's z, and in the batch's z (view order).
    const mapping = shards[0].mapping;
    const total = views.flat().length;
    const place: Array<{ shard: number; at: number; rows: number }> = new Array(total);
    replies.forEach((r, s) => {
      let at = 0;
      views[s].forEach((g, j) => {
        const rows = rowsOfView(mapping, r.lengths[j]);
        place[g] = { shard: s, at, rows };
        at += rows;
      });
    });
    const offsets: number[] = [];
    let rows = 0;
    for (const p of place) {
      offsets.push(rows);
      rows += p.rows;
    }
    const z = new Float32Array(rows * columns);
    place.forEach((p, g) => z.set(replies[p.shard].z.subarray(p.at * columns, (p.at + p.rows) * columns), offsets[g] * columns));
    const { loss, dz } = tf.tidy(() => {
      const M = rows / 2;
      const { value, grad } = tf.valueAndGrad((all: tf.Tensor) =>
        ntXent(tf.slice(all, [0, 0], [M, -1]) as tf.Tensor2D, tf.slice(all, [M, 0], [M, -1]) as tf.Tensor2D, step.temperature),
      )(tf.tensor2d(z, [rows, columns]));
      return { loss: value.dataSync()[0], dz: grad.dataSync() as Float32Array };
    });
    // Each shard's part of dL/dz, in its own row order.
    const parts = replies.map((r) => new Float32Array(r.rows * columns));
    place.forEach((p, g) => parts[p.shard].set(dz.subarray(offsets[g] * columns, (offsets[g] + p.rows) * columns), p.at * columns));
    const pending = parts
      .slice(1)
      .map((g, i) => pool.send(i, { kind: 'contrastive-backward', g, trainable: keys }, [g.buffer as ArrayBuffer]));
    const pendingDone = Promise.allSettled(pending);
    const own = tf.tidy(() =>
      shardBackward(model, head, ownViews, shards[0], tf.tensor2d(parts[0], [replies[0].rows, columns]), variables),
    );
    ownGrads = own;
    await pendingDone;
    const grads = (await Promise.all(pending)).map((r) => expect(r, 'grads').grads);
    const summed = tf.tidy(() => {
      const sums: tf.NamedTensorMap = { ...ownGrads };
      for (const g of grads) {
        let at = 0;
        for (const v of variables) {
          sums[v.name] = tf.add(sums[v.name], tf.tensor(g.subarray(at, at + v.size), v.shape));
          at += v.size;
        }
      }
      return sums;
    });
    tf.dispose(
      Object.entries(own)
        .filter(([name, t]) => summed[name] !== t)
        .map(([, t]) => t),
    );
    ownGrads = undefined;
    return { loss, grads: summed };
  } catch (error) {
    if (ownGrads) tf.dispose(Object.values(ownGrads));
    await remoteDone;
    throw error;
  } finally {
    disposeViews(ownViews);
  }
}

function expect<K extends WorkerReply['kind']>(reply: WorkerReply, kind: K): Extract<WorkerReply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`training worker answered ${reply.kind} where ${kind} was expected`);
  return reply as Extract<WorkerReply, { kind: K }>;
}
