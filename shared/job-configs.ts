// What each kind of job stores as its config (the jobs table's `config`), as zod schemas
// derived from the API's request schemas: a job is started from a checked request, and its
// stored config is checked again when it resumes and in the worker thread before use, so
// a config damaged or written by an older version fails its job with the field named,
// instead of running with undefined values.
import { describeIssues, z } from './zod.ts';
import { schemas, type QuireEvent } from './api.ts';

const [pretrain, finetune] = schemas.startTraining.options;
/** A stored job names its model by id: a request's 'base' is resolved before the job is made (main/api/job-service.ts). */
const modelId = z.number().int().positive();

export const jobConfigSchemas = {
  pretrain,
  finetune: finetune.extend({ from: modelId.optional() }),
  // Rows written before the config carried its kind, or with pageIds null for "all pages", still read.
  transcribe: schemas.startTranscription.extend({
    kind: z.literal('transcribe').optional(),
    modelId,
    pageIds: schemas.startTranscription.shape.pageIds.nullable().transform((ids) => ids ?? undefined),
  }),
  evaluate: schemas.startEvaluation.extend({ kind: z.literal('evaluate').optional(), modelId }),
  segment: schemas.startSegmenterTraining.extend({ kind: z.literal('segment').optional() }),
  // Finding lines as a job: only a team server's, shared out to queue workers (main/queue).
  // The account that asked is recorded as the author of the lines it removes.
  'find-lines': z
    .object({
      kind: z.literal('find-lines').optional(),
      pageIds: schemas.segmentPages.shape.pageIds,
      segmenter: schemas.segmentPages.shape.segmenter,
      author: z.string().min(1).max(200).optional(),
    })
    .strict(),
} as const;

/** A training job's config, either kind: checked as a new job's before it is stored (main/jobs/training-runs.ts). */
export const trainingConfigSchema = z.discriminatedUnion('kind', [jobConfigSchemas.pretrain, jobConfigSchemas.finetune]);

export type JobKind = keyof typeof jobConfigSchemas;
export type JobConfig<K extends JobKind> = z.output<(typeof jobConfigSchemas)[K]>;
/** A new job as the runner is asked for it: its kind and its config (defaults not yet filled in). */
export type JobRequest = { [K in JobKind]: z.input<(typeof jobConfigSchemas)[K]> & { kind: K } }[JobKind];

export type TrainingRequest = JobConfig<'pretrain'> | JobConfig<'finetune'>;
/** Training configs as stored: the server has chosen the threads. */
export type PretrainRequest = JobConfig<'pretrain'> & { threads: number };
export type FinetuneRequest = JobConfig<'finetune'> & { threads: number };

/** One step of a running job, as the job-progress event carries it. */
export type RunProgress = Extract<QuireEvent, { type: 'job-progress' }>['progress'];

const issues = (error: z.ZodError) => describeIssues(error, 'config');

/** A job's stored config, checked; an error names the job and the field. */
export function parseJobConfig<K extends JobKind>(job: { id: number; kind: K; config: unknown }): JobConfig<K> {
  const schema = jobConfigSchemas[job.kind] as z.ZodType | undefined;
  if (!schema) throw new Error(`job ${job.id} is of an unknown kind ${String(job.kind)}`);
  const parsed = schema.safeParse(job.config);
  if (!parsed.success) throw new Error(`job ${job.id} (${job.kind}) has an invalid config: ${issues(parsed.error)}`);
  return parsed.data as JobConfig<K>;
}

/** A new job's config, checked before it is stored. */
export function checkJobRequest(request: JobRequest): { kind: JobKind } & Record<string, unknown> {
  const parsed = (jobConfigSchemas[request.kind] as z.ZodType).safeParse(request);
  if (!parsed.success) throw new Error(`invalid ${request.kind} job config: ${issues(parsed.error)}`);
  return { ...(parsed.data as Record<string, unknown>), kind: request.kind };
}
