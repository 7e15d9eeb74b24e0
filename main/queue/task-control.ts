// What stops a long task in a worker's hands (a training: train-part.ts, segmenter-part.ts)
// between two of its steps: its job cancelled, failed or interrupted in the store (the row
// read about once a second; interrupted: the server process following it died, run-lease.ts),
// its lock lost (a progress report that renews it was refused: the task is another worker's
// now), or its worker stopping (SIGTERM: the task goes back to the queue). The training
// aborts on `signal` at its next step; `ended` says what the abort meant.
import { JobCancelled, jobRecords } from '../jobs/jobs.ts';
import type { OpenStore } from './open-stores.ts';
import type { PartProgress } from './tasks.ts';

/** How often the job's row is read to learn whether it was cancelled. */
const CANCEL_CHECK_MS = 1000;

/** Thrown when the worker stops mid-training: the task goes back to the queue. */
export class HandedBack extends Error {
  override name = 'HandedBack';
}

export class TaskControl {
  private readonly controller = new AbortController();
  private lost: Error | undefined;
  private cancelled = false;
  private lastCheck = Date.now();
  private checking = false;
  readonly signal = this.controller.signal;
  private readonly stop = () => this.controller.abort();

  constructor(
    private readonly store: OpenStore,
    private readonly jobId: number,
    private readonly onProgress: (p: PartProgress) => Promise<void>,
    private readonly stopping: AbortSignal,
  ) {
    stopping.addEventListener('abort', this.stop);
    if (stopping.aborted) this.stop();
  }

  /** Reports progress (renewing the task's lock); a refused report means the lock is lost, and the training stops. */
  report(progress: PartProgress): void {
    this.onProgress(progress).catch((error: Error) => {
      this.lost ??= error;
      this.controller.abort();
    });
  }

  /** Reads the job's row, at most about once a second, and stops the training if it was cancelled, failed or interrupted. */
  check(): void {
    if (Date.now() - this.lastCheck < CANCEL_CHECK_MS || this.checking) return;
    this.lastCheck = Date.now();
    this.checking = true;
    this.store
      .run(jobRecords.get(this.jobId))
      .then((row) => {
        if (row.state === 'cancelled' || row.state === 'failed' || row.state === 'interrupted') {
          this.cancelled = true;
          this.controller.abort();
        }
      })
      .catch(() => {})
      .finally(() => (this.checking = false));
  }

  /**
   * What the training's `error` means: rethrown if the lock was lost or it is not a stop;
   * the job cancelled: `cancelledLog` in its log, answered true; the worker stopping:
   * `handedBackLog` in its log, and HandedBack thrown, so the task goes back to the queue.
   */
  async ended(error: unknown, cancelledLog: string, handedBackLog: string): Promise<true> {
    if (this.lost) throw this.lost;
    if (error instanceof JobCancelled && this.cancelled) {
      await this.store.run(jobRecords.update(this.jobId, { log: cancelledLog }));
      return true;
    }
    if (error instanceof JobCancelled && this.stopping.aborted) {
      await this.store.run(jobRecords.update(this.jobId, { log: handedBackLog }));
      throw new HandedBack(handedBackLog);
    }
    throw error;
  }

  dispose(): void {
    this.stopping.removeEventListener('abort', this.stop);
  }
}
