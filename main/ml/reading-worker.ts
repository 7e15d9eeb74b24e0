// A reading worker: holds a replica of the recognizer (weights sent once, at start) and
// reads batches of lines posted to it, decoding them too, so the main thread only routes.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from './backend.ts';
import { Codec } from './codec.ts';
import type { LineTensor } from './line-image.ts';
import { Recognizer, type RecognizerConfig } from './model.ts';
import { readBatchAsync, type Reading } from './recognize.ts';
import type { Decoding } from './decoding.ts';

export type ReadingRequest =
  | { kind: 'init'; config: RecognizerConfig; backend: BackendName; weights: Float32Array; chars: string[] }
  | { kind: 'read'; images: LineTensor[]; decoding: Decoding };

export type ReadingReply = { kind: 'ready' } | { kind: 'read'; readings: Reading[] } | { kind: 'error'; message: string };

let model: Recognizer | undefined;
let codec: Codec | undefined;

parentPort!.on('message', async (request: ReadingRequest) => {
  try {
    if (request.kind === 'init') {
      await initBackend(request.backend);
      model = new Recognizer(request.config, 0);
      let offset = 0;
      tf.tidy(() => {
        for (const v of model!.weights.values()) {
          v.assign(tf.tensor(request.weights.subarray(offset, offset + v.size), v.shape));
          offset += v.size;
        }
      });
      codec = new Codec(request.chars);
      parentPort!.postMessage({ kind: 'ready' } satisfies ReadingReply);
      return;
    }
    if (!model || !codec) throw new Error('reading worker used before init');
    const readings = await readBatchAsync(model, codec, request.images, request.decoding);
    parentPort!.postMessage({ kind: 'read', readings } satisfies ReadingReply);
  } catch (error) {
    parentPort!.postMessage({ kind: 'error', message: (error as Error).stack ?? String(error) } satisfies ReadingReply);
  }
});
