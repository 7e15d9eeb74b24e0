// A worker's training task (tasks.ts: one task per training job, not parts): the job's run
// as the desktop trains (jobs/training-job.ts), on the store the task names, its checkpoints
// in the store's shared folder of files. A task handed out again (its worker killed, stalled)
// resumes from the job's last checkpoint; one redone after its model version was saved
// answers that version. Each step is reported (the server process turns it into the windows'
// job-progress events) and renews the task's lock, so the lock only has to outlast one step.
// The job's state is the server's to record: a training that fails here is retried by BullMQ
// (another attempt resumes from the checkpoint); one whose job was cancelled meanwhile stops
// at its next step, keeps its checkpoint and answers `cancelled`; one whose worker is stopping
// (SIGTERM) checkpoints likewise and is handed back to the queue (HandedBack) for another.
import { UnrecoverableError } from 'bullmq';
import type { RunProgress } from '../../shared/job-configs.ts';
import { jobRecords, type Job } from '../jobs/jobs.ts';
import { overallStep, resumedFrom, savedCheckpoint, trainJob } from '../jobs/training-job.ts';
import { storedTraining } from '../jobs/training-runs.ts';
import type { OpenStore, OpenStores } from './open-stores.ts';
import { TaskControl } from './task-control.ts';
import type { PartProgress, TaskOf, Trained } from './tasks.ts';

/** How often a step's progress goes to Redis (and the lock is renewed) at most; every validation goes. */
const PROGRESS_MS = 200;

/** The task's job as the store holds it: a training job whose config is the one the task carries. */
async function trainingJob(store: OpenStore, task: TaskOf<'train'>): Promise<Job> {
  const where = `job ${task.jobId} of ${store.label}`;
  let job: Job;
  try {
    job = await store.run(jobRecords.get(task.jobId));
  } catch (error) {
    throw new UnrecoverableError(`${where}: ${(error as Error).message}`);
  }
  if (job.kind !== 'pretrain' && job.kind !== 'finetune') throw new UnrecoverableError(`${where} is a ${job.kind} job, not a training job`);
  // The stored config is what runs; a task that disagrees with it is a mix-up, not to be retried.
  if (JSON.stringify(job.config) !== JSON.stringify(task.config))
    throw new UnrecoverableError(`${where}: the task's config is not the job's (${JSON.stringify(task.config)})`);
  return job;
}

export async function trainPart(
  stores: OpenStores,
  task: TaskOf<'train'>,
  onProgress: (p: PartProgress) => Promise<void>,
  stopping: AbortSignal,
): Promise<Omit<Trained, 'worker' | 'seconds'>> {
  const store = await stores.open(task.store);
  const job = await trainingJob(store, task);
  let request;
  try {
    request = storedTraining(job, stores.threads);
  } catch (error) {
    throw new UnrecoverableError((error as Error).message);
  }
  // Done before this task came back (its worker died after saving the version): answered, not trained again.
  if (job.modelId !== null) return { modelId: job.modelId, cancelled: false, resumedAt: 0, steps: 0 };
  if (job.state !== 'running' && job.state !== 'queued') return { modelId: null, cancelled: true, resumedAt: 0, steps: 0 };
  const checkpoint = savedCheckpoint(store.root, job.id);
  const resumedAt = overallStep(request, checkpoint);
  await store.run(jobRecords.update(job.id, { log: checkpoint ? `${resumedFrom(checkpoint)} (its checkpoint)` : 'training started' }));

  const control = new TaskControl(store, job.id, onProgress, stopping);
  let lastSent = 0;
  let steps = resumedAt;
  const send = (training: RunProgress) => {
    steps = training.step;
    const now = Date.now();
    if (now - lastSent >= PROGRESS_MS || training.validationCer !== undefined || training.step === training.steps) {
      lastSent = now;
      control.report({ done: training.step, of: training.steps, training });
    }
    control.check();
  };
  try {
    const version = await trainJob(store, job.id, request, checkpoint, { onProgress: send, signal: control.signal });
    return { modelId: version.id, cancelled: false, resumedAt, steps: Number(version.metrics.steps ?? steps) };
  } catch (error) {
    await control.ended(
      error,
      `stopped at step ${steps}: the job was cancelled; its checkpoint is kept`,
      `its worker stopped at step ${steps}: back to the queue, to continue from its checkpoint`,
    );
    return { modelId: null, cancelled: true, resumedAt, steps };
  } finally {
    control.dispose();
  }
}
