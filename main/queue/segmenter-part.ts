// A worker's segmenter task (tasks.ts: one per segmenter job): the desktop's run
// (jobs/segmenter-training.ts runSegmenterJob) on the store the task names: its corrected
// pages with their lines and regions from the store, the page images from its shared folder
// of files, the model written there, to segmenters/job-<id>.qseg (whole: renamed into place).
// It checkpoints into the shared folder (checkpoints/job-<id>.qseg), so a task handed out
// again (its worker died, or stopped) continues from there; one redone after its file was written answers that file. Each step is reported (the
// server process turns it into the windows' job-progress events) and renews the task's lock,
// as a training's (train-part.ts). The job's state is the server's to record: a cancelled
// job's task stops at its next step and writes nothing; a worker stopping (SIGTERM) stops
// likewise and hands the task back to the queue (HandedBack), for another to start over.
import { existsSync } from 'node:fs';
import { UnrecoverableError } from 'bullmq';
import { jobRecords } from '../jobs/jobs.ts';
import { runSegmenterJob } from '../jobs/segmenter-training.ts';
import { baseSegmenterAt, projectSegmenterFile } from '../layout/project-segmenters.ts';
import { storedJob, type OpenStores } from './open-stores.ts';
import { TaskControl } from './task-control.ts';
import type { PartProgress, SegmenterTrained, TaskOf } from './tasks.ts';

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
  await store.run(jobRecords.update(job.id, { log: 'segmenter training started (a task handed out again continues from its checkpoint)' }));

  const control = new TaskControl(store, job.id, onProgress, stopping);
  let steps = 0;
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
    // A step takes seconds: each is reported.
    control.report({ done: steps, of: config.steps, training });
    control.check();
  };
  try {
    const result = await runSegmenterJob(store, job.id, {
      from,
      steps: config.steps,
      out,
      threads: stores.threads,
      signal: control.signal,
      onStep,
    });
    return { file: result.file, cancelled: false, pages: result.pages, steps: result.losses.length };
  } catch (error) {
    await control.ended(
      error,
      `stopped at step ${steps}: the job was cancelled; no model written`,
      `its worker stopped at step ${steps}: back to the queue, to continue from its checkpoint`,
    );
    return { file: null, cancelled: true, pages: 0, steps };
  } finally {
    control.dispose();
  }
}
