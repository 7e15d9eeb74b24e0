// What travels through Redis: one BullMQ job ("task") per part of a Quire job. A task is
// generic: the project store it belongs to, the Quire job (its row in that store's jobs
// table: the worker works with the stored config and refuses a payload that disagrees with
// it), its kind, and the part to do:
// - transcription: chunks of line ids; the readings are stored per line and job, so a part
//   redone after its worker died reads only the lines left (read-lines.ts).
// - finding lines: one page each; the page's lines are replaced in one transaction that
//   records the job on the page, so a redone part is a no-op (segment-pages.ts).
// - evaluation: chunks of labeled line ids, each answering its error counts (not rates); the
//   enqueuing side adds them up and computes CER/WER once every part is done. Nothing is
//   written, so a redone part only counts again.
// - training (fine-tuning, semi-supervised included, and SeqCLR pretraining): one task, not
//   parts, since a run's steps follow each other. Its worker trains from the store's lines and
//   writes the job's checkpoint to the store's shared folder of files (files/checkpoints/,
//   written atomically), so a task handed out again after its worker died (stalled) continues
//   from the last checkpoint, not from the start (train-part.ts). Its progress is the
//   training's, step by step (`training` in PartProgress).
// - segmenter fine-tuning: one task too, for the same reason, checkpointed like training: a
//   task handed out again, or a job resumed, continues from its checkpoint; one redone
//   after its model was written (files/segmenters/job-<id>.qseg, renamed into place whole)
//   answers that file (segmenter-part.ts).
import { createHash } from 'node:crypto';
import { z } from '../../shared/zod.ts';
import type { RunProgress } from '../../shared/job-configs.ts';
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

const ids = z.array(z.number().int().positive());
const place = { index: z.number().int().min(0), of: z.number().int().positive() };
const common = {
  /** The payload's format: a worker refuses one it does not know rather than misread it. */
  v: z.literal(1),
  store: storeSchema,
  jobId: z.number().int().positive(),
  /** The Quire job's config as stored when the task was queued: checked against the row, never used in its place. */
  config: z.record(z.string(), z.unknown()),
};

/** The payload's format, checked before the rest (a payload of another version is said to be one). */
export const taskVersion = z.object({ v: common.v });

export const taskSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('transcribe'), part: z.object({ ...place, lineIds: ids }).strict() }).strict(),
  z.object({ ...common, kind: z.literal('find-lines'), part: z.object({ ...place, pageIds: ids }).strict() }).strict(),
  z.object({ ...common, kind: z.literal('evaluate'), part: z.object({ ...place, lineIds: ids }).strict() }).strict(),
  // The one part of a training job: the job's row says what to train.
  z.object({ ...common, kind: z.literal('train'), part: z.object(place).strict() }).strict(),
  // The one part of a segmenter job ("segment", as its row's kind).
  z.object({ ...common, kind: z.literal('segment'), part: z.object(place).strict() }).strict(),
]);
export type Task = z.infer<typeof taskSchema>;
export type TaskKind = Task['kind'];
export type TaskOf<K extends TaskKind> = Extract<Task, { kind: K }>;

// What a worker answers for a finished part (BullMQ's return value), per kind. It comes back
// through Redis from any process there, so the enqueuing side checks it before use.
const answered = { worker: z.string(), seconds: z.number().min(0) };
const count = z.number().int().min(0);

export const partResultSchema = z.object({ written: count, skipped: count, ...answered }).strict();
export type PartResult = z.infer<typeof partResultSchema>;

/** A part of finding lines: its pages' counts (a SegmentReport's); `skipped`, pages the job had written, or gone. */
export const foundPagesSchema = z
  .object({
    pages: count,
    skipped: count,
    added: count,
    keptLabeled: count,
    removed: count,
    regions: count,
    segmenter: z.string(),
    fallback: z.string().optional(),
    ...answered,
  })
  .strict();
export type FoundPages = z.infer<typeof foundPagesSchema>;

/** A part of an evaluation: its lines' error counts (metrics.ts ErrorCounts), every confusion with its count. */
export const evaluatedLinesSchema = z
  .object({
    lines: count,
    skipped: count,
    counts: z
      .object({
        charErrors: count,
        chars: count,
        wordErrors: count,
        words: count,
        confusions: z.array(z.object({ ref: z.string(), hyp: z.string(), count }).strict()),
      })
      .strict(),
    ...answered,
  })
  .strict();
export type EvaluatedLines = z.infer<typeof evaluatedLinesSchema>;

/**
 * A training task: the model version it saved (its id also on the job's row), or `cancelled`
 * when the job was cancelled while it trained (its checkpoint kept); the step its run resumed
 * from (0: from the start) and the step it ended at.
 */
export const trainedSchema = z
  .object({ modelId: z.number().int().positive().nullable(), cancelled: z.boolean(), resumedAt: count, steps: count, ...answered })
  .strict();
export type Trained = z.infer<typeof trainedSchema>;

/**
 * A segmenter task: the file it wrote (null when its job was cancelled while it trained), the
 * corrected pages it trained on and the steps it took (0 for a file written by an earlier try).
 */
export const segmenterTrainedSchema = z
  .object({ file: z.string().nullable(), cancelled: z.boolean(), pages: count, steps: count, ...answered })
  .strict();
export type SegmenterTrained = z.infer<typeof segmenterTrainedSchema>;

/** What a worker answers, by kind of task. */
export interface PartAnswers {
  transcribe: PartResult;
  'find-lines': FoundPages;
  evaluate: EvaluatedLines;
  train: Trained;
  segment: SegmenterTrained;
}

/** Progress of a part, as the worker reports it (BullMQ's job progress). */
export interface PartProgress {
  done: number;
  of: number;
  /** A training task's step as the desktop's job-progress event carries it (checked by whoever reads it). */
  training?: RunProgress;
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
