// Segments pages in a worker thread (see segment-off-thread.ts): one request at a time, each
// a grayscale page in and its lines out, or the error's message.
import { parentPort } from 'node:worker_threads';
import type { GrayImage } from '../ml/line-image.ts';
import { segmentPage, type Segmentation } from './segment.ts';

export type SegmentRequest = { id: number; page: GrayImage };
export type SegmentReply = { id: number; segmentation: Segmentation } | { id: number; error: string };

parentPort!.on('message', ({ id, page }: SegmentRequest) => {
  try {
    parentPort!.postMessage({ id, segmentation: segmentPage(page) } satisfies SegmentReply);
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message } satisfies SegmentReply);
  }
});
