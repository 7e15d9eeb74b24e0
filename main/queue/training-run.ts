// Training on the queue (distributed-run.ts): a training job is one task, not parts (its steps
// follow each other), taken by one worker at a time (train-part.ts), which resumes from the
// job's checkpoint in the store's shared folder of files when the task is handed out again or
// the job resumed. Its progress is the training's own, step by step: the worker writes it to
// the job's row, and each step it reports through BullMQ is told to the app's windows here as
// the desktop's job-progress event. The job is done when its row names the model version the
// worker saved (read from the store, not only from the answer).
import { z } from '../../shared/zod.ts';
import type { RunProgress } from '../../shared/job-configs.ts';
import { jobRecords, type Job } from '../jobs/jobs.ts';
import { failedEnd, type JobParts, type QueueStore } from './job-parts.ts';
import { trainedSchema } from './tasks.ts';

/** A step as a worker reports it: checked, since it comes through Redis from any process there. */
const stepSchema = z.object({
  training: z.object({
    phase: z.string(),
    step: z.number(),
    steps: z.number(),
    loss: z.number(),
    linesPerSecond: z.number(),
    etaSeconds: z.number().nullable(),
    validationCer: z.number().optional(),
  }),
});

/** A training step a worker reported (PartProgress's `training`) as the windows' job-progress event; undefined if it is none. */
export function reportedStep(data: unknown, jobId: number): RunProgress | undefined {
  const parsed = stepSchema.safeParse(data);
  // JSON carries an infinite ETA as null.
  return parsed.success ? { ...parsed.data.training, jobId, etaSeconds: parsed.data.training.etaSeconds ?? Infinity } : undefined;
}

export function trainingParts(store: QueueStore, job: Job): JobParts<'train'> {
  const jobId = job.id;
  let answered = '';
  return {
    kind: 'train',
    unit: 'training run',
    phase: 'train',
    partSize: 1,
    // The row's config as it is: the worker refuses a task whose config is not its job's.
    config: job.config,
    // Always the one task: what is left to do is the checkpoint's to say, in the worker.
    todo: async () => [jobId],
    part: (index, of) => ({ index, of }),
    answer: trainedSchema,
    progressOf: (data) => reportedStep(data, jobId),
    add(_, a) {
      answered = a.cancelled
        ? `stopped at step ${a.steps} (cancelled)`
        : `model version ${a.modelId} after ${a.steps} steps${a.resumedAt ? `, resumed from the checkpoint at step ${a.resumedAt}` : ''}`;
      return answered;
    },
    async finish(_, workers) {
      const row = await store.run(jobRecords.get(jobId));
      if (row.modelId === null)
        return failedEnd(
          jobId,
          `the training ended without a model version${answered ? ` (${answered})` : ''}; resume continues from its checkpoint`,
        );
      return {
        change: { state: 'done', log: `trained on ${workers.size} worker(s): model version ${row.modelId}` },
        event: { type: 'job-changed', jobId, state: 'done', modelId: row.modelId },
      };
    },
  };
}
