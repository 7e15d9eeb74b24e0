// What a kind of job is to the queue (distributed-run.ts runs any of them): what is left to
// do, a part's payload, what its worker answers and how the job ends, per kind:
// transcription-run.ts, find-lines-run.ts, evaluation-run.ts, training-run.ts.
import type { QuireEvent } from '../../shared/api.ts';
import type { RunProgress } from '../../shared/job-configs.ts';
import type { z } from '../../shared/zod.ts';
import type { Runner } from '../db/ops.ts';
import type { JobChange } from '../jobs/jobs.ts';
import type { PartAnswers, StoreRef, TaskKind, TaskOf } from './tasks.ts';

/** The store a run's job lives in: its operations (`run`), and how its tasks name it to the workers. */
export interface QueueStore {
  run: Runner;
  ref: StoreRef;
}

export type JobChanged = Extract<QuireEvent, { type: 'job-changed' }>;

/** How a job ends: what its row records, and the event that tells the windows. */
export interface JobEnd {
  change: JobChange;
  event: JobChanged;
}

/** What a kind of job does in parts on the queue. */
export interface JobParts<K extends TaskKind = TaskKind> {
  readonly kind: K;
  /** What a part's ids are, in the singular ('line', 'page'): for the log and progress. */
  readonly unit: string;
  /** The job-progress events' phase. */
  readonly phase: string;
  /** Ids per part. */
  readonly partSize: number;
  /** The job's config, as its tasks carry it (with its kind). */
  readonly config: Record<string, unknown>;
  /** What is left to do in this run, in order. */
  todo(): Promise<number[]>;
  /** A part's payload. */
  part(index: number, of: number, ids: number[]): TaskOf<K>['part'];
  /** What a worker answers for a part of this kind (its schema). */
  readonly answer: { safeParse(value: unknown): z.ZodSafeParseResult<PartAnswers[K]> };
  /**
   * A kind whose worker reports the job's progress itself (training: its steps, written to the
   * row by the worker): a part's progress as the windows' event, instead of parts counted here.
   */
  progressOf?(data: unknown): RunProgress | undefined;
  /** Keeps a finished part's answer; says what it did, for the job's log. */
  add(index: number, answer: PartAnswers[K]): string;
  /** Every part done: how the job ends (checked against the store, not only the answers). */
  finish(ids: number[], workers: ReadonlySet<string>): Promise<JobEnd>;
}

/** Any kind's parts, as the runs take them. */
export type AnyJobParts = { [K in TaskKind]: JobParts<K> }[TaskKind];

/** A job's end as failed: the row and the event. */
export const failedEnd = (jobId: number, error: string): JobEnd => ({
  change: { state: 'failed', error, log: `failed: ${error}` },
  event: { type: 'job-changed', jobId, state: 'failed', error },
});
