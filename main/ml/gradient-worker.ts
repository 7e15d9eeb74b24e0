// A data-parallel training worker: holds a replica of the recognizer, takes the current
// weights and a shard of the batch, and returns the shard's loss and gradients. For SeqCLR
// pretraining (seqclr/contrastive-shard.ts) it makes its shard's views, returns their
// instances z, and later the gradients of Σ z·G for the G the main thread sends.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from './backend.ts';
import { shardGradients, type ShardInput } from './gradients.ts';
import { Recognizer, type RecognizerConfig } from './model.ts';
import { segShardGradients, type SegShard } from './seg-gradients.ts';
import { SegNet, type SegNetConfig } from './seg-net.ts';
import {
  disposeViews,
  shardBackward,
  shardInstances,
  shardViews,
  type ContrastiveShardInput,
  type ShardViews,
} from './seqclr/contrastive-shard.ts';
import { ProjectionHead, type HeadKind } from './seqclr/heads.ts';

/** A projection head as plain data: its shape and its current weights, in insertion order. */
export interface HeadState {
  kind: HeadKind;
  inputSize: number;
  size: number;
  weights: Float32Array;
}

/** The network a pool's workers hold a replica of. */
export type Replica = { kind: 'recognizer'; config: RecognizerConfig } | { kind: 'segmenter'; config: SegNetConfig };

export type WorkerRequest =
  | { kind: 'init'; replica: Replica; backend: BackendName }
  /** A shard of a segmentation batch; every weight of the segmenter is trained. */
  | { kind: 'seg-step'; weights: Float32Array; input: SegShard }
  | { kind: 'step'; weights: Float32Array; trainable: string[]; input: ShardInput; dropoutSeed: number; scale: number }
  | { kind: 'contrastive-forward'; weights: Float32Array; head: HeadState; input: ContrastiveShardInput }
  /** `trainable`: model weight names and `head/<name>` for the projection head's. */
  | { kind: 'contrastive-backward'; g: Float32Array; trainable: string[] };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'grads'; loss: number; grads: Float32Array }
  | { kind: 'instances'; z: Float32Array; rows: number; columns: number; lengths: number[] }
  | { kind: 'error'; message: string };

let model: Recognizer | undefined;
let segmenter: SegNet | undefined;
let head: ProjectionHead | undefined;
/** The views of the last contrastive forward pass, kept for its backward pass. */
let pending: { views: ShardViews; input: ContrastiveShardInput; columns: number } | undefined;

function assignAll(weights: Iterable<tf.Variable>, flat: Float32Array): void {
  let offset = 0;
  tf.tidy(() => {
    for (const v of weights) {
      v.assign(tf.tensor(flat.subarray(offset, offset + v.size), v.shape));
      offset += v.size;
    }
  });
}

function flatten(variables: tf.Variable[], grads: tf.NamedTensorMap): Float32Array<ArrayBuffer> {
  const flat = new Float32Array(variables.reduce((a, v) => a + v.size, 0));
  let at = 0;
  for (const v of variables) {
    flat.set(grads[v.name].dataSync() as Float32Array, at);
    at += v.size;
  }
  return flat;
}

function contrastive(request: Extract<WorkerRequest, { kind: `contrastive-${string}` }>): WorkerReply {
  if (!model) throw new Error('worker used before init');
  if (request.kind === 'contrastive-forward') {
    const h = request.head;
    if (!head || head.kind !== h.kind || head.size !== h.size) {
      head?.dispose();
      head = new ProjectionHead(h.kind, h.inputSize, h.size);
    }
    assignAll(model.weights.values(), request.weights);
    assignAll(head.weights.values(), h.weights);
    if (pending) disposeViews(pending.views);
    const views = shardViews(model, request.input);
    const z = shardInstances(model, head, views, request.input);
    pending = { views, input: request.input, columns: z.shape[1] };
    const reply: WorkerReply = {
      kind: 'instances',
      z: z.dataSync() as Float32Array,
      rows: z.shape[0],
      columns: z.shape[1],
      lengths: pending.views.lengths,
    };
    z.dispose();
    return reply;
  }
  if (!pending || !head) throw new Error('contrastive backward pass without its forward pass');
  const variables = request.trainable.map(
    (name) => (name.startsWith('head/') ? head!.weights.get(name.slice(5)) : model!.weights.get(name))!,
  );
  const columns = pending.columns;
  const grads = tf.tidy(() =>
    shardBackward(model!, head!, pending!.views, pending!.input, tf.tensor2d(request.g, [request.g.length / columns, columns]), variables),
  );
  const flat = flatten(variables, grads);
  tf.dispose(grads);
  disposeViews(pending.views);
  pending = undefined;
  return { kind: 'grads', loss: 0, grads: flat };
}

/** Posts a shard's loss and flat gradients (in `variables` order) to the pool, then frees the tensors. */
function replyGrads({ value, grads }: { value: tf.Scalar; grads: tf.NamedTensorMap }, variables: tf.Variable[]): void {
  const flat = flatten(variables, grads);
  const loss = value.dataSync()[0];
  tf.dispose([value, grads]);
  parentPort!.postMessage({ kind: 'grads', loss, grads: flat } satisfies WorkerReply, [flat.buffer]);
}

parentPort!.on('message', async (request: WorkerRequest) => {
  try {
    if (request.kind === 'init') {
      await initBackend(request.backend);
      const r = request.replica;
      if (r.kind === 'recognizer') model = new Recognizer(r.config, 0);
      else segmenter = new SegNet(r.config, 0);
      parentPort!.postMessage({ kind: 'ready' } satisfies WorkerReply);
      return;
    }
    if (request.kind === 'seg-step') {
      if (!segmenter) throw new Error('worker used before init');
      assignAll(segmenter.weights.values(), request.weights);
      replyGrads(segShardGradients(segmenter, request.input), segmenter.variables);
      return;
    }
    if (request.kind !== 'step') {
      const reply = contrastive(request);
      parentPort!.postMessage(reply, reply.kind === 'grads' ? [reply.grads.buffer as ArrayBuffer] : []);
      return;
    }
    if (!model) throw new Error('worker used before init');
    assignAll(model.weights.values(), request.weights);
    const variables = request.trainable.map((name) => model!.weights.get(name)!);
    replyGrads(shardGradients(model, variables, request.input, request.dropoutSeed, request.scale), variables);
  } catch (error) {
    parentPort!.postMessage({ kind: 'error', message: (error as Error).stack ?? String(error) } satisfies WorkerReply);
  }
});
