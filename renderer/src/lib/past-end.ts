// Where the keyboard goes past a page's last line (TranscriptionPanel's Enter and Ctrl+↓):
// Enter to the next page's first unlabeled line (the line a page opens on), Ctrl+↓ to the
// next page that has one; in a run of Review or Annotate next (lib/reading-queue.ts), Enter
// to the run's next line, wherever it is. The page screen's state comes in as functions.
import { tick } from 'svelte';
import type { PageView } from '../../../shared/api.ts';
import { firstUnlabeled } from '../../../shared/lines-to-transcribe.ts';
import { QUEUE_DONE, type QueueKind } from './reading-queue.ts';

export type PastEndKind = 'next' | 'unlabeled' | 'queue';

/** The run the page was opened in, as App hands it to the page screen. */
export interface PageQueue {
  hint: string;
  kind: QueueKind;
  /** Opens the run's next line: on another page, on this one, none left, or the run stopped meanwhile. */
  onNext: (typedAhead: () => string) => Promise<'page' | 'line' | 'end' | 'stopped'>;
  onStop: () => void;
}

export interface PastEndContext {
  view: () => PageView | null;
  queue: () => PageQueue | null;
  getPage: (pageId: number) => Promise<PageView>;
  openPage: (pageId: number, lineId: null, typedAhead: string) => void;
  say: (status: string) => void;
}

/**
 * The page screen's handler: answers whether another page was opened (the keys typed on
 * the way, read as it opens, go with it; otherwise they stay with the line selected now).
 */
export function pastEndHandler(ctx: PastEndContext) {
  async function queueNext(run: PageQueue, typedAhead: () => string): Promise<boolean> {
    try {
      const went = await run.onNext(typedAhead);
      if (went === 'page') return true;
      // A line of this page is selected (the target changes): the keys typed on the way go to it.
      if (went === 'line') await tick();
      // The run is over: Enter goes to the page's next line again.
      else if (went === 'end') ctx.say(QUEUE_DONE[run.kind]);
    } catch (e) {
      ctx.say((e as Error).message);
    }
    return false;
  }

  return async function pastEnd(kind: PastEndKind, typedAhead: () => string): Promise<boolean> {
    if (kind === 'queue') {
      const run = ctx.queue();
      return run ? queueNext(run, typedAhead) : false;
    }
    let next = ctx.view()?.nextPageId ?? null;
    try {
      if (kind === 'unlabeled') {
        while (next !== null) {
          const v = await ctx.getPage(next);
          if (firstUnlabeled(v)) break;
          next = v.nextPageId;
        }
      }
    } catch (e) {
      ctx.say((e as Error).message);
      return false;
    }
    if (next !== null) {
      ctx.openPage(next, null, typedAhead());
      return true;
    }
    ctx.say(kind === 'next' ? 'This is the last page of the document' : 'No unlabeled line on the following pages of this document');
    return false;
  };
}
