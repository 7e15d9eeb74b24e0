// Training jobs of a project folder, run by the desktop's job runner (the app's worker
// thread, the `quire` command): the job's row is created or taken here, its run is
// training-job.ts's (the same code a team server's queue worker trains with), and its state
// (running, done, failed, cancelled) is recorded here. Checkpoints go to
// <project>/checkpoints/job-<id>.qmodel; `resumeJob` continues one.
import { describeIssues } from '../../shared/zod.ts';
import { defaultTrainingThreads } from '../ml/parallel.ts';
import { parseJobConfig, trainingConfigSchema, type RunProgress, type TrainingRequest } from '../../shared/job-configs.ts';
import type { Project } from '../project/project.ts';
import { folderStore } from '../project/project-store.ts';
import type { ModelVersion } from '../models/registry.ts';
import { isResumable, RESUMABLE_JOB_STATES } from '../../shared/job-states.ts';
import type { Checkpoint } from './finetune-setup.ts';
import { claimJob, createJob, getJob, JobCancelled, JobNotClaimed, updateJob, type Job } from './jobs.ts';
import type { RunControl } from './training-context.ts';
import { resumedFrom, savedCheckpoint, trainJob, type StoredTraining } from './training-job.ts';

export type { FinetuneRequest, PretrainRequest, RunProgress, TrainingRequest } from '../../shared/job-configs.ts';
export type { RunControl } from './training-context.ts';

/**
 * A new training request checked against the API's schema, its model named by id (so the
 * CLI, the app and a resumed job accept the same configs), with the server's defaults.
 */
export function checkTrainingRequest(config: unknown): StoredTraining {
  const parsed = trainingConfigSchema.safeParse(config);
  if (!parsed.success) throw new Error(`invalid training job config: ${describeIssues(parsed.error, 'config')}`);
  return withThreads(parsed.data);
}

/** The threads a config left out: this machine's default (a queue worker passes its own --threads). */
export const withThreads = (r: TrainingRequest, threads = defaultTrainingThreads()): StoredTraining => ({
  ...r,
  threads: r.threads ?? threads,
});

/** A training job's stored config, checked as the job's own (shared/job-configs.ts): an error names the job and field. */
export function storedTraining(job: Job, threads?: number): StoredTraining {
  if (job.kind !== 'pretrain' && job.kind !== 'finetune') throw new Error(`job ${job.id} is a ${job.kind} job, not a training job`);
  return withThreads(parseJobConfig(job as Job & { kind: 'pretrain' | 'finetune' }), threads);
}

export async function startTraining(
  project: Project,
  request: TrainingRequest | StoredTraining,
  onProgress?: (p: RunProgress) => void,
  signal?: AbortSignal,
): Promise<ModelVersion> {
  const checked = checkTrainingRequest(request);
  const job = createJob(project, checked.kind, checked as unknown as Record<string, unknown>);
  return runJob(project, job.id, checked, undefined, { onProgress, signal });
}

/** Runs a job row created earlier (state queued), e.g. by the app's job runner. */
export async function runQueuedJob(project: Project, jobId: number, control: RunControl = {}): Promise<ModelVersion> {
  const job = getJob(project, jobId);
  if (job.state !== 'queued') throw new Error(`job ${jobId} is ${job.state}, not queued`);
  let request: StoredTraining;
  try {
    request = storedTraining(job);
  } catch (error) {
    // Left queued, a refused config would be tried again at every start of the app.
    updateJob(project, jobId, { state: 'failed', error: (error as Error).message, log: `failed: ${(error as Error).message}` });
    throw error;
  }
  // Claimed, never overwritten: a cancel that came first stands (JobNotClaimed).
  claimJob(project, jobId, ['queued']);
  return runJob(project, jobId, request, undefined, control);
}

/** Continues an interrupted or cancelled training job from its last checkpoint. */
export async function resumeJob(
  project: Project,
  jobId: number,
  onProgress?: (p: RunProgress) => void,
  signal?: AbortSignal,
): Promise<ModelVersion> {
  const job = getJob(project, jobId);
  // The runner checked it resumable before queuing it: another process's resume (or start) came first.
  if (!isResumable(job.state))
    throw new JobNotClaimed(`job ${jobId} is ${job.state}; only interrupted, cancelled or failed jobs can be resumed`);
  // Segmenter fine-tuning resumes through its own run (segmenter-training.ts, which finds its checkpoint).
  if (job.kind === 'segment') throw new Error(`job ${jobId} fine-tunes a segmenter: it is resumed by trainProjectSegmenter`);
  const request = storedTraining(job);
  const checkpoint = savedCheckpoint(project.root, jobId);
  // Two resumes of one job (two windows, the app and a terminal): the first claim wins.
  claimJob(project, jobId, RESUMABLE_JOB_STATES, { log: resumedFrom(checkpoint) });
  return runJob(project, jobId, request, checkpoint, { onProgress, signal });
}

/** The run, and the job's end recorded on its row. */
async function runJob(
  project: Project,
  jobId: number,
  request: StoredTraining,
  checkpoint: Checkpoint | undefined,
  control: RunControl,
): Promise<ModelVersion> {
  try {
    const version = await trainJob(folderStore(project), jobId, request, checkpoint, control);
    updateJob(project, jobId, { state: 'done' });
    return version;
  } catch (error) {
    if (error instanceof JobCancelled) updateJob(project, jobId, { state: 'cancelled', log: 'cancelled' });
    else updateJob(project, jobId, { state: 'failed', error: (error as Error).message, log: `failed: ${(error as Error).message}` });
    throw error;
  }
}
