// Segmenter fine-tuning on the queue (distributed-run.ts), as training is (training-run.ts):
// one task, taken by one worker (segmenter-part.ts), which trains from the store's corrected
// pages and writes the model to the shared folder of files, segmenters/job-<id>.qseg, where
// the server's segmenter list and "Find lines" find it (layout/project-segmenters.ts). Each
// step the worker reports is told to the windows as the desktop's job-progress event (phase
// "segmenter"). The job is done when that file is there (read from the files, not only from
// the answer). A resumed job, or a task handed out again, continues from the checkpoint the
// run keeps in the shared folder (jobs/segmenter-training.ts).
import { existsSync } from 'node:fs';
import { jobRecords, type Job } from '../jobs/jobs.ts';
import { projectSegmenterFile } from '../layout/project-segmenters.ts';
import { failedEnd, type JobParts, type QueueStore } from './job-parts.ts';
import { segmenterTrainedSchema } from './tasks.ts';
import { reportedStep } from './training-run.ts';

/** `files`: the store's shared folder of files as this process reaches it. */
export function segmenterParts(store: QueueStore, files: string, job: Job): JobParts<'segment'> {
  const jobId = job.id;
  let answered = '';
  return {
    kind: 'segment',
    unit: 'segmenter training',
    phase: 'segmenter',
    partSize: 1,
    // The row's config as it is: the worker refuses a task whose config is not its job's.
    config: job.config,
    todo: async () => [jobId],
    part: (index, of) => ({ index, of }),
    answer: segmenterTrainedSchema,
    // The worker writes the row's progress (its last names the pages, for the segmenter list): not counted here.
    progressOf: (data) => reportedStep(data, jobId),
    add(_, a) {
      answered = a.cancelled
        ? `stopped at step ${a.steps} (cancelled)`
        : a.steps === 0
          ? `${a.file} (written by an earlier try)`
          : `${a.file} after ${a.steps} steps on ${a.pages} corrected page(s)`;
      return answered;
    },
    async finish(_, workers) {
      const file = projectSegmenterFile({ root: files }, jobId);
      if (!existsSync(file)) {
        const row = await store.run(jobRecords.get(jobId));
        return failedEnd(
          jobId,
          `the segmenter training ended without a model in ${file}${answered ? ` (${answered})` : ''}${row.error ? `: ${row.error}` : ''}; resume starts it over`,
        );
      }
      return {
        change: { state: 'done', log: `segmenter fine-tuned on ${workers.size} worker(s): ${file}` },
        event: { type: 'job-changed', jobId, state: 'done' },
      };
    },
  };
}
