// A refresh run one at a time, with at most one more waiting: a burst of events (a line
// saved per Enter, from every window on a team server) asks for many refreshes, and each
// would read the whole document list again in turn; one that has not started yet will read
// the newest state anyway, so later asks share it.

/** `run` wrapped: calls never overlap, and asks while one waits share that one. */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  let waiting: Promise<void> | null = null;
  return () => {
    if (waiting) return waiting;
    const next = last.then(() => {
      // Started: an ask from now on reads after this one, so it waits for its own run.
      waiting = null;
      return run();
    });
    waiting = next;
    last = next.catch(() => {});
    return next;
  };
}
