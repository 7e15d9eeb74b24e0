// A run through the lines Quire proposes: Review (model readings nobody confirmed, least
// confident first) or Annotate next (the unlabeled lines the model finds hardest, spread
// over pages). Opened from either, the page's Enter saves the line and opens the queue's
// next one, on whatever page it is, instead of the next line of the page. Each step asks
// the project again (a saved line has left the list); lines already visited in this run
// (skipped, or saved and still listed) are passed over, so the run never loops on a line.
import type { LineToRead } from '../../../shared/api.ts';

export type QueueKind = 'review' | 'annotate';

export interface ReadingQueue {
  readonly kind: QueueKind;
  readonly visited: Set<number>;
}

/** What the queue lists its lines with (the API's methods). */
export interface QueueSource {
  reviewLines(request: { limit: number }): Promise<LineToRead[]>;
  suggestLines(request: { limit: number }): Promise<LineToRead[]>;
}

/**
 * The most lines one listing may ask for (the API's limit): a run that has passed over a
 * thousand lines still listed (skipped ones) ends there; a new run starts from the top.
 */
const MAX_LISTED = 1000;

export const QUEUE_HINTS: Record<QueueKind, string> = {
  review: 'Reviewing: Enter saves the line and opens the next least confident reading',
  annotate: 'Annotating: Enter saves the line and opens the next line Quire proposes',
};

export const QUEUE_DONE: Record<QueueKind, string> = {
  review: 'No reading left to review in this run',
  annotate: 'No more lines to propose: transcribe the project with a newer model for more',
};

/** A new run; `first`: the line it opens on, where the person chose it from a list. */
export const startQueue = (kind: QueueKind, first?: number): ReadingQueue => ({
  kind,
  visited: new Set(first === undefined ? [] : [first]),
});

/** The run's next line, marked visited; null when none is left. */
export async function nextInQueue(queue: ReadingQueue, source: QueueSource): Promise<LineToRead | null> {
  const limit = Math.min(MAX_LISTED, queue.visited.size + 1);
  const lines = queue.kind === 'review' ? await source.reviewLines({ limit }) : await source.suggestLines({ limit });
  const next = lines.find((l) => !queue.visited.has(l.lineId)) ?? null;
  if (next) queue.visited.add(next.lineId);
  return next;
}
