// Runs one job in a worker thread, so that the main thread (the app's API and windows, or
// the `quire` command's terminal) never waits on it. Opens the project itself (SQLite in
// WAL mode serves both threads), checks the job's stored config before using it, streams
// progress to the main thread, and stops cleanly on 'cancel'.
import { parentPort, workerData } from 'node:worker_threads';
import { parseJobConfig, type RunProgress } from '../../shared/job-configs.ts';
import { Project } from '../project/project.ts';
import { resumeJob, runQueuedJob } from './training-runs.ts';
import { getJob, JobCancelled, JobNotClaimed, updateJob, type Job, type JobState } from './jobs.ts';
import { runEvaluationJob, transcribe } from './transcription.ts';
import { trainProjectSegmenter } from './segmenter-training.ts';

/**
 * Who runs the jobs (runner.ts). app: the runner takes over the jobs left queued in the
 * project, and sends progress a few times a second (with a heartbeat). cli: the `quire`
 * command's runner runs only the jobs it is given, reports every step, and its workers' jobs
 * can be stopped by signalling the process (`quire cancel`, Ctrl+C).
 */
export type RunnerHost = 'app' | 'cli';

export interface JobWorkerData {
  projectRoot: string;
  jobId: number;
  mode: 'start' | 'resume';
  /** Who started the worker (jobs.ts records whether a signal to the process may stop the job). */
  host: RunnerHost;
}
export type JobWorkerMessage =
  | { type: 'progress'; progress: RunProgress }
  /** A segmenter job makes no model version: no modelId. */
  | { type: 'done'; modelId?: number }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string }
  /** The job was no longer this worker's to run (cancelled, or taken by another process, meanwhile): its row's state, untouched. */
  | { type: 'not-claimed'; state: JobState };

const { projectRoot, jobId, mode } = workerData as JobWorkerData;
const controller = new AbortController();
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});
const post = (m: JobWorkerMessage) => parentPort!.postMessage(m);
const progress = (p: Omit<RunProgress, 'jobId'>) => post({ type: 'progress', progress: { jobId, ...p } });

/** A job's config that does not parse fails the job with the field named (training jobs check their own). */
function configOf<K extends 'transcribe' | 'evaluate' | 'segment'>(project: Project, job: Job, kind: K) {
  try {
    return parseJobConfig({ ...job, kind });
  } catch (error) {
    updateJob(project, job.id, { state: 'failed', error: (error as Error).message, log: `failed: ${(error as Error).message}` });
    throw error;
  }
}

async function run(project: Project, job: Job): Promise<number | undefined> {
  if (job.kind === 'transcribe') {
    // The readings stored so far are the checkpoint: "resume" runs the job again, and the
    // lines it has already read are skipped (read-lines.ts).
    const { modelId, pageIds, beamWidth, languageModel } = configOf(project, job, 'transcribe');
    await transcribe(project, modelId, {
      jobId,
      pageIds,
      beamWidth,
      languageModel,
      signal: controller.signal,
      onProgress: (done, total) => progress({ phase: 'transcribe', step: done, steps: total, loss: 0, linesPerSecond: 0, etaSeconds: 0 }),
    });
    return modelId;
  }
  if (job.kind === 'evaluate') {
    const { modelId, split } = configOf(project, job, 'evaluate');
    await runEvaluationJob(project, jobId, modelId, split);
    return modelId;
  }
  if (job.kind === 'segment') {
    // Started and resumed alike, from the job's own config: the run continues from the job's checkpoint when it has one.
    const { steps, from, out } = configOf(project, job, 'segment');
    const started = Date.now();
    await trainProjectSegmenter(project, {
      jobId,
      steps,
      from,
      out,
      signal: controller.signal,
      onStep: (step, loss) => {
        const perStep = (Date.now() - started) / 1000 / (step + 1);
        progress({ phase: 'segmenter', step: step + 1, steps, loss, linesPerSecond: 0, etaSeconds: perStep * (steps - step - 1) });
      },
    });
    return undefined;
  }
  const onProgress = (p: RunProgress) => post({ type: 'progress', progress: p });
  const version =
    mode === 'start'
      ? await runQueuedJob(project, jobId, { onProgress, signal: controller.signal })
      : await resumeJob(project, jobId, onProgress, controller.signal);
  return version.id;
}

const project = Project.open(projectRoot);
try {
  const modelId = await run(project, getJob(project, jobId));
  post({ type: 'done', modelId });
} catch (error) {
  if (error instanceof JobNotClaimed) post({ type: 'not-claimed', state: getJob(project, jobId).state });
  else post(error instanceof JobCancelled ? { type: 'cancelled' } : { type: 'failed', message: (error as Error).message });
} finally {
  project.close();
  // The message listener would keep this thread alive, and the runner starts the next job
  // only when this one has exited. (process.exit in a worker ends the worker, not the app.)
  process.exit(0);
}
