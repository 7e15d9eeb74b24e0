// Segmentation is pure CPU work (~120 ms for a page, more for a large scan): in the main
// process it would stall the API and the window for a whole batch of pages. One worker
// thread, started on first use and then kept, segments pages one at a time; it holds the
// process open only while a page is in it, so a CLI run still ends when its work does.
import { Worker } from 'node:worker_threads';
import type { GrayImage } from '../ml/line-image.ts';
import type { Segmentation } from './segment.ts';
import type { SegmentReply, SegmentRequest } from './segment-worker.ts';

type Waiting = { resolve: (s: Segmentation) => void; reject: (e: Error) => void };
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
    else request?.resolve(reply.segmentation);
  });
  w.on('error', (e) => failAll(new Error(`the segmentation worker failed: ${e.message}`)));
  w.on('exit', (code) => { if (worker === w) failAll(new Error(`the segmentation worker stopped (exit code ${code})`)); });
  return w;
}

/** segmentPage(page), computed in the worker thread. The page's pixels are copied, never taken from the caller. */
export function segmentOffThread(page: GrayImage): Promise<Segmentation> {
  worker ??= startWorker();
  worker.ref();
  const id = nextId++;
  const data = new Uint8Array(page.data);
  const request: SegmentRequest = { id, page: { width: page.width, height: page.height, data } };
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker!.postMessage(request, [data.buffer]);
  });
}
