// What a training run writes while it trains, on either store: the job's log and progress.
// The training loops report from synchronous callbacks (a step, a checkpoint), while a
// store's writes answer promises (a team server's PostgreSQL store, from a queue worker), so
// the writes are queued here in order, progress coalesced to the latest (a write slower than
// a step never piles up behind it), and a failed write is thrown when the run ends (`flush`)
// rather than lost or left as an unhandled rejection.
import type { RunProgress } from '../../shared/job-configs.ts';
import type { ProjectStore } from '../project/project-store.ts';
import { jobRecords, type JobChange } from './jobs.ts';

export interface RunControl {
  onProgress?: (p: RunProgress) => void;
  /** Aborting saves a checkpoint and leaves the job cancelled (resumable). */
  signal?: AbortSignal;
}

/** What a training run of one job works with. */
export interface TrainingContext {
  store: ProjectStore;
  jobId: number;
  /** A step's progress: told at once (onProgress), written to the job's row every 10 steps and at the last. */
  report(p: Omit<RunProgress, 'jobId'>): void;
  /** A change of the job's row (a log line), written after those before it. */
  write(change: JobChange): void;
  signal?: AbortSignal;
  /** Waits for the writes queued so far; throws the first that failed. */
  flush(): Promise<void>;
}

export function trainingContext(store: ProjectStore, jobId: number, { onProgress, signal }: RunControl): TrainingContext {
  let chain: Promise<void> = Promise.resolve();
  let failed: Error | undefined;
  let latest: Record<string, unknown> | undefined;
  const enqueue = (write: () => Promise<void>) => {
    chain = chain.then(write).catch((error: Error) => {
      failed ??= error;
    });
  };
  const write = (change: JobChange) => enqueue(() => store.run(jobRecords.update(jobId, change)));
  return {
    store,
    jobId,
    signal,
    write,
    report(p) {
      const progress = { jobId, ...p };
      onProgress?.(progress);
      if (p.step % 10 !== 0 && p.step !== p.steps) return;
      const queued = latest !== undefined;
      latest = progress;
      if (queued) return;
      enqueue(() => {
        const next = latest!;
        latest = undefined;
        return store.run(jobRecords.update(jobId, { progress: next }));
      });
    },
    async flush() {
      await chain;
      if (failed) throw failed;
    },
  };
}
