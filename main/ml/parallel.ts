// Data-parallel gradients over CPU cores. The wasm backend runs on one thread, so a
// training step on an n-core machine splits its batch into n shards: the main thread
// computes one, worker threads (each with its own wasm instance and a replica of the
// model, given the current weights every step) compute the others, and the gradients are
// summed. The result equals the single-threaded gradient up to float summation order.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend.ts';
import { shardGradients, type ShardInput } from './gradients.ts';
import type { Recognizer } from './model.ts';
import { segShardGradients, type SegShard } from './seg-gradients.ts';
import type { SegNet } from './seg-net.ts';
import type { Replica, WorkerReply, WorkerRequest } from './gradient-worker.ts';
import { startWorkers } from './start-workers.ts';

/** The tensors' values one after another, in iteration order: what a worker's replica assigns back in the same order. */
export function flatWeights(tensors: Iterable<tf.Variable>): Float32Array {
  const all = [...tensors];
  const out = new Float32Array(all.reduce((a, v) => a + v.size, 0));
  let at = 0;
  for (const v of all) {
    out.set(v.dataSync() as Float32Array, at);
    at += v.size;
  }
  return out;
}

/** Data-parallel threads when the caller does not say: every core, up to 8 (beyond that a batch of 16 splits too thin). */
export const defaultTrainingThreads = () => Math.max(1, Math.min(availableParallelism(), 8));

export class ParallelGradients {
  private readonly workers: Worker[] = [];

  private constructor() {}

  /** Starts `threads - 1` workers (the caller's thread is the first). */
  static async start(replica: Replica, backend: BackendName, threads: number): Promise<ParallelGradients> {
    const pool = new ParallelGradients();
    await startWorkers(threads - 1, new URL('./gradient-worker.mjs', import.meta.url), pool.workers, (worker) =>
      pool.request(worker, { kind: 'init', replica, backend }),
    );
    return pool;
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Sends a request to worker `i` (0 ≤ i < threads - 1) and waits for its reply. */
  send(i: number, message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    return this.request(this.workers[i], message, transfer);
  }

  private request(worker: Worker, message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        worker.off('error', reject);
        if (reply.kind === 'error') reject(new Error(`training worker failed: ${reply.message}`));
        else resolve(reply);
      };
      worker.once('message', onMessage);
      worker.once('error', reject);
      worker.postMessage(message, transfer);
    });
  }

  /** Loss and summed gradients of all shards; shard i uses dropout seed `seed + i`. */
  async compute(model: Recognizer, variables: tf.Variable[], shards: ShardInput[], seed: number, scale: number) {
    const names = new Map([...model.weights.entries()].map(([k, v]) => [v, k]));
    const weights = flatWeights(model.weights.values());
    const trainable = variables.map((v) => names.get(v)!);
    const pending = shards
      .slice(1)
      .map((input, i) => this.request(this.workers[i], { kind: 'step', weights, trainable, input, dropoutSeed: seed + i + 1, scale }));
    const own = shardGradients(model, variables, shards[0], seed, scale);
    return sumShards(own, await Promise.all(pending), variables);
  }

  /** Loss and summed gradients of a segmentation batch's shards (seg-gradients.ts), all weights trained. */
  async computeSeg(net: SegNet, shards: SegShard[]) {
    const weights = flatWeights(net.weights.values());
    const pending = shards.slice(1).map((input, i) => this.request(this.workers[i], { kind: 'seg-step', weights, input }));
    const own = segShardGradients(net, shards[0]);
    return sumShards(own, await Promise.all(pending), net.variables);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The caller's own shard plus the workers' flat gradients, in `variables` order; disposes the own shard's tensors. */
function sumShards(own: { value: tf.Scalar; grads: tf.NamedTensorMap }, replies: WorkerReply[], variables: tf.Variable[]) {
  let loss = own.value.dataSync()[0];
  if (replies.length === 0) {
    own.value.dispose();
    return { loss, grads: own.grads };
  }
  const grads = tf.tidy(() => {
    const sums: tf.NamedTensorMap = { ...own.grads };
    for (const reply of replies) {
      if (reply.kind !== 'grads') continue;
      loss += reply.loss;
      let at = 0;
      for (const v of variables) {
        sums[v.name] = tf.add(sums[v.name], tf.tensor(reply.grads.subarray(at, at + v.size), v.shape));
        at += v.size;
      }
    }
    return sums;
  });
  tf.dispose([own.value, own.grads]);
  return { loss, grads };
}
