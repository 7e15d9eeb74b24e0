// A data-parallel training worker: holds a replica of the recognizer, takes the current
// weights and a shard of the batch, and returns the shard's loss and gradients.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from './backend.ts';
import { shardGradients, type ShardInput } from './gradients.ts';
import { Recognizer, type RecognizerConfig } from './model.ts';

export type WorkerRequest =
  | { kind: 'init'; config: RecognizerConfig; backend: BackendName }
  | { kind: 'step'; weights: Float32Array; trainable: string[]; input: ShardInput; dropoutSeed: number; scale: number };

export type WorkerReply = { kind: 'ready' } | { kind: 'grads'; loss: number; grads: Float32Array } | { kind: 'error'; message: string };

let model: Recognizer | undefined;

parentPort!.on('message', async (request: WorkerRequest) => {
  try {
    if (request.kind === 'init') {
      await initBackend(request.backend);
      model = new Recognizer(request.config, 0);
      parentPort!.postMessage({ kind: 'ready' } satisfies WorkerReply);
      return;
    }
    if (!model) throw new Error('worker used before init');
    let offset = 0;
    tf.tidy(() => {
      for (const v of model!.weights.values()) {
        const size = v.size;
        v.assign(tf.tensor(request.weights.subarray(offset, offset + size), v.shape));
        offset += size;
      }
    });
    const variables = request.trainable.map((name) => model!.weights.get(name)!);
    const { value, grads } = shardGradients(model, variables, request.input, request.dropoutSeed, request.scale);
    const flat = new Float32Array(variables.reduce((a, v) => a + v.size, 0));
    let at = 0;
    for (const v of variables) {
      const g = grads[v.name];
      flat.set(g.dataSync() as Float32Array, at);
      at += v.size;
    }
    const loss = value.dataSync()[0];
    tf.dispose([value, grads]);
    parentPort!.postMessage({ kind: 'grads', loss, grads: flat } satisfies WorkerReply, [flat.buffer]);
  } catch (error) {
    parentPort!.postMessage({ kind: 'error', message: (error as Error).stack ?? String(error) } satisfies WorkerReply);
  }
});
