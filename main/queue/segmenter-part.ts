// A worker's segmenter task (tasks.ts: one per segmenter job): the desktop's run
// (jobs/segmenter-training.ts runSegmenterJob) on the store the task names: its corrected
// pages with their lines and regions from the store, the page images from its shared folder
// of files, the model written there, to segmenters/job-<id>.qseg (whole: renamed into place).
// It keeps no checkpoint, so a task handed out again (its worker died, or stopped) starts
// over; one redone after its file was written answers that file. Each step is reported (the
// server process turns it into the windows' job-progress events) and renews the task's lock,
// as a training's (train-part.ts). The job's state is the server's to record: a cancelled
// job's task stops at its next step and writes nothing; a worker stopping (SIGTERM) stops
// likewise and hands the task back to the queue (HandedBack), for another to start over.
import { existsSync } from 'node:fs';
import { UnrecoverableError } from 'bullmq';
import { JobCancelled, jobRecords } from '../jobs/jobs.ts';
import { runSegmenterJob } from '../jobs/segmenter-training.ts';
import { baseSegmenterAt, projectSegmenterFile } from '../layout/project-segmenters.ts';
import { storedJob, type OpenStores } from './open-stores.ts';
import { HandedBack } from './train-part.ts';
import type { PartProgress, SegmenterTrained, TaskOf } from './tasks.ts';

/** How often the job's row is read to learn whether it was cancelled. */
const CANCEL_CHECK_MS = 1000;

export async function segmenterPart(
  stores: OpenStores,
  task: TaskOf<'segment'>,
  onProgress: (p: PartProgress) => Promise<void>,
  stopping: AbortSignal,
): Promise<Omit<SegmenterTrained, 'worker' | 'seconds'>> {
  const store = await stores.open(task.store);
  const { config, where } = await storedJob(store, task);
  // The server writes a segmenter to its files' segmenters/ only: a stored `out` is a mix-up (the server refuses one).
  if (config.out !== undefined) throw new UnrecoverableError(`${where} names an output file; a team server's segmenters go to segmenters/`);
  const job = await store.run(jobRecords.get(task.jobId));
  const out = projectSegmenterFile(store, job.id);
  // Written by an earlier try (its worker died before answering): answered, not trained again.
  if (existsSync(out)) return { file: out, cancelled: false, pages: Number(job.progress.pages ?? 0), steps: 0 };
  if (job.state !== 'running' && job.state !== 'queued') return { file: null, cancelled: true, pages: 0, steps: 0 };
  let from: string;
  try {
    from = await baseSegmenterAt(store, config.from);
  } catch (error) {
    throw new UnrecoverableError(`${where}: ${(error as Error).message}`);
  }
  await store.run(jobRecords.update(job.id, { log: 'segmenter training started (no checkpoint: a task handed out again starts over)' }));

  const controller = new AbortController();
  let lost: Error | undefined;
  let cancelled = false;
  let steps = 0;
  let lastCheck = Date.now();
  let checking = false;
  const started = Date.now();
  const onStep = (step: number, loss: number) => {
    steps = step + 1;
    const perStep = (Date.now() - started) / 1000 / steps;
    const training = {
      jobId: job.id,
      phase: 'segmenter',
      step: steps,
      steps: config.steps,
      loss,
      linesPerSecond: 0,
      etaSeconds: perStep * (config.steps - steps),
    };
    // A step takes seconds: each is reported. A lock that could not be renewed is another worker's task now.
    onProgress({ done: steps, of: config.steps, training }).catch((error: Error) => {
      lost ??= error;
      controller.abort();
    });
    if (Date.now() - lastCheck < CANCEL_CHECK_MS || checking) return;
    lastCheck = Date.now();
    checking = true;
    store
      .run(jobRecords.get(job.id))
      .then((row) => {
        if (row.state === 'cancelled' || row.state === 'failed' || row.state === 'interrupted') {
          cancelled = true;
          controller.abort();
        }
      })
      .catch(() => {})
      .finally(() => (checking = false));
  };
  const stop = () => controller.abort();
  stopping.addEventListener('abort', stop);
  if (stopping.aborted) stop();
  try {
    const result = await runSegmenterJob(store, job.id, {
      from,
      steps: config.steps,
      out,
      threads: stores.threads,
      signal: controller.signal,
      onStep,
    });
    return { file: result.file, cancelled: false, pages: result.pages, steps: result.losses.length };
  } catch (error) {
    if (lost) throw lost;
    if (error instanceof JobCancelled && cancelled) {
      await store.run(jobRecords.update(job.id, { log: `stopped at step ${steps}: the job was cancelled; no model written` }));
      return { file: null, cancelled: true, pages: 0, steps };
    }
    if (error instanceof JobCancelled && stopping.aborted) {
      const back = `its worker stopped at step ${steps}: back to the queue, to start over (segmenter jobs keep no checkpoint)`;
      await store.run(jobRecords.update(job.id, { log: back }));
      throw new HandedBack(back);
    }
    throw error;
  } finally {
    stopping.removeEventListener('abort', stop);
  }
}
