// What travels through Redis: one BullMQ job ("task") per part of a Quire job. A task is
// generic: the project store it belongs to, the Quire job (its row in that store's jobs
// table: the worker reads with the stored config and refuses a payload that disagrees with
// it, transcribe-part.ts checkPart), its kind, and the part to do.
// Transcription's parts are chunks of line ids. What the other kinds need, for whoever adds
// them:
// - segmentation: parts of page ids (each page is independent), written like chunks of
//   lines; the page's lines are replaced in one transaction, so a redone part is a no-op
//   when the page is already segmented by this job (record the job on the page).
// - evaluation: parts of labeled line ids, each returning its error counts (not rates) in
//   its result; the enqueuing side sums them and computes CER/WER once every part is done.
// - training: one task (not parts), whose worker resumes from the job's checkpoint file in
//   the store (training-runs.ts already resumes), with a lock long enough for one step and
//   progress reported per step; a stalled training task is handed out again and continues
//   from the last checkpoint rather than from the start.
import { createHash } from 'node:crypto';
import { z } from '../../shared/zod.ts';
import { displayUrl } from '../db/pg/store.ts';

/** One queue for every project and kind: workers take whatever comes next. */
export const QUEUE_NAME = 'quire';

/**
 * Where the worker finds the project. A desktop project folder on a path every worker reaches
 * (SQLite in WAL mode, several writers waiting on each other's short transactions; WAL needs
 * the processes on one host, or a cluster file system: not NFS), or a team server's
 * PostgreSQL store (workers on any machine that reaches it) with its shared folder of files
 * (images/, models/) at the same path on every worker. The store's URL travels without its
 * password: a worker connects with the credentials of the URL it was allowed
 * (allowed-stores.ts), so none passes through Redis.
 */
export const storeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), root: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('postgres'),
      url: z.string().regex(/^postgres(ql)?:\/\//i, 'a postgres:// URL'),
      files: z.string().min(1),
    })
    .strict(),
]);
export type StoreRef = z.infer<typeof storeSchema>;

/** The store as logs and errors name it: its folder, or its URL (never with a password) and files' folder. */
export const storeLabel = (store: StoreRef): string =>
  store.kind === 'sqlite' ? store.root : `${displayUrl(store.url)} (files ${store.files})`;

export const TASK_KINDS = ['transcribe'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const taskSchema = z
  .object({
    /** The payload's format: a worker refuses one it does not know rather than misread it. */
    v: z.literal(1),
    store: storeSchema,
    jobId: z.number().int().positive(),
    kind: z.enum(TASK_KINDS),
    /** The Quire job's config as stored when the task was queued: checked against the row, never used in its place. */
    config: z.record(z.string(), z.unknown()),
    part: z
      .object({
        index: z.number().int().min(0),
        of: z.number().int().positive(),
        lineIds: z.array(z.number().int().positive()),
      })
      .strict(),
  })
  .strict();
export type Task = z.infer<typeof taskSchema>;

/**
 * What a worker answers for a finished part (BullMQ's return value). It comes back through
 * Redis from any process there, so the enqueuing side checks it before use.
 */
export const partResultSchema = z
  .object({
    written: z.number().int().min(0),
    skipped: z.number().int().min(0),
    worker: z.string(),
    seconds: z.number().min(0),
  })
  .strict();
export type PartResult = z.infer<typeof partResultSchema>;

/** Progress of a part, as the worker reports it (BullMQ's job progress). */
export interface PartProgress {
  done: number;
  of: number;
}

/**
 * BullMQ ids of a run's tasks: the store (hashed: ids may not contain ':'), the job, the
 * run (a job resumed later is queued again under new ids) and the part.
 */
export function taskIdPrefix(store: StoreRef, jobId: number, run: string): string {
  const storeKey = createHash('sha256')
    .update(store.kind === 'sqlite' ? `sqlite\0${store.root}` : `postgres\0${store.url}\0${store.files}`)
    .digest('hex')
    .slice(0, 12);
  return `q${storeKey}-j${jobId}-${run}-`;
}

// How the processes reach Redis lives in redis-connection.ts; the benchmark imports these from here.
export { connectionFor, redisLabel } from './redis-connection.ts';
