// Segmentation is pure CPU work (~120 ms a page for the classical segmenter, ~0.5 s for the
// trained model): in the main process it would stall the API and the window for a whole
// batch of pages. One worker thread, started on first use and then kept, loads models and
// segments pages one at a time; it holds the process open only while a request is in it,
// so a CLI run still ends when its work does.
import { Worker } from 'node:worker_threads';
import type { GrayImage } from '../ml/line-image.ts';
import type { FoundLayout } from './found-layout.ts';
import type { SegmentReply, SegmentRequest } from './segment-worker.ts';

type Waiting = { resolve: (found: FoundLayout | null) => void; reject: (e: Error) => void };
let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, Waiting>();

function failAll(error: Error) {
  for (const w of waiting.values()) w.reject(error);
  waiting.clear();
  worker = undefined;
}

function startWorker(): Worker {
  const w = new Worker(new URL('./segment-worker.mjs', import.meta.url));
  w.on('message', (reply: SegmentReply) => {
    const request = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (waiting.size === 0) w.unref();
    if ('error' in reply) request?.reject(new Error(reply.error));
    else request?.resolve(reply.found);
  });
  w.on('error', (e) => failAll(new Error(`the segmentation worker failed: ${e.message}`)));
  w.on('exit', (code) => {
    if (worker === w) failAll(new Error(`the segmentation worker stopped (exit code ${code})`));
  });
  return w;
}

function ask(request: SegmentRequest, transfer: ArrayBuffer[] = []): Promise<FoundLayout | null> {
  worker ??= startWorker();
  worker.ref();
  return new Promise((resolve, reject) => {
    waiting.set(request.id, { resolve, reject });
    worker!.postMessage(request, transfer);
  });
}

/** Loads a segmentation model file in the worker (kept there for the pages that follow); rejects with the reason it cannot be used. */
export async function loadModelOffThread(file: string): Promise<void> {
  await ask({ id: nextId++, kind: 'load', model: file });
}

/**
 * The lines (and regions) of a page, found in the worker thread by the model file `model`
 * or, when it is null, by the classical segmenter. The page's pixels are copied, never
 * taken from the caller.
 */
export async function segmentOffThread(page: GrayImage, model: string | null = null): Promise<FoundLayout> {
  const data = new Uint8Array(page.data);
  const found = await ask({ id: nextId++, kind: 'segment', page: { width: page.width, height: page.height, data }, model }, [data.buffer]);
  return found!;
}
