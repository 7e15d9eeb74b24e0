// Segments pages in a worker thread (see segment-off-thread.ts): one request at a time.
// "load" reads a segmentation model file (kept for later pages); "segment" finds the lines
// of a grayscale page with that model, or with the classical segmenter when none is named.
// TensorFlow is loaded only when a model is first used, so classical segmentation stays light.
import { parentPort } from 'node:worker_threads';
import type { GrayImage } from '../ml/line-image.ts';
import { segmentPage } from './segment.ts';
import { fromClassical, fromModel, type FoundLayout } from './found-layout.ts';
import type { Segmenter } from './seg-model-file.ts';

export type SegmentRequest =
  { id: number; kind: 'load'; model: string } | { id: number; kind: 'segment'; page: GrayImage; model: string | null };
export type SegmentReply = { id: number; found: FoundLayout | null } | { id: number; error: string };

const models = new Map<string, Segmenter>();

async function model(file: string): Promise<Segmenter> {
  const known = models.get(file);
  if (known) return known;
  const { initBackend } = await import('../ml/backend.ts');
  const { loadSegmenter } = await import('./seg-model-file.ts');
  await initBackend();
  const loaded = loadSegmenter(file);
  models.set(file, loaded);
  return loaded;
}

async function handle(request: SegmentRequest): Promise<FoundLayout | null> {
  if (request.kind === 'load') {
    await model(request.model);
    return null;
  }
  if (request.model === null) return fromClassical(segmentPage(request.page));
  const { segmentWithModel } = await import('./seg-infer.ts');
  return fromModel(segmentWithModel(await model(request.model), request.page));
}

// Requests are handled strictly one after another: a page never waits on a model half loaded.
let queue = Promise.resolve();
parentPort!.on('message', (request: SegmentRequest) => {
  queue = queue.then(async () => {
    try {
      parentPort!.postMessage({ id: request.id, found: await handle(request) } satisfies SegmentReply);
    } catch (error) {
      parentPort!.postMessage({ id: request.id, error: (error as Error).message } satisfies SegmentReply);
    }
  });
});
