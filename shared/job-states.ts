// The states of a job, and which of them a job can be resumed from: one definition for the
// job store, the runner, the CLI and the jobs table.
export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Stopped before the end (by a crash, a cancel or an error): resume continues from the last checkpoint. */
export const RESUMABLE_JOB_STATES: readonly JobState[] = ['interrupted', 'cancelled', 'failed'];

export const isResumable = (state: string): boolean => (RESUMABLE_JOB_STATES as readonly string[]).includes(state);
