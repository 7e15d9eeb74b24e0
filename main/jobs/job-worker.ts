// Runs one training job in a worker thread, so that the main process (API, windows) never
// waits on training. Opens the project itself (SQLite in WAL mode serves both threads),
// streams progress to the main thread, and stops cleanly on 'cancel'.
import { parentPort, workerData } from 'node:worker_threads';
import { Project } from '../project/project.ts';
import { resumeJob, runQueuedJob, type RunProgress } from './training-runs.ts';
import { getJob, JobCancelled } from './jobs.ts';
import { runEvaluationJob, transcribe } from './transcription.ts';
import { trainProjectSegmenter } from './segmenter-training.ts';
import type { Split } from '../../shared/api.ts';

export interface JobWorkerData {
  projectRoot: string;
  jobId: number;
  mode: 'start' | 'resume';
}
export type JobWorkerMessage =
  | { type: 'progress'; progress: RunProgress }
  /** A segmenter job makes no model version: no modelId. */
  | { type: 'done'; modelId?: number }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

const { projectRoot, jobId, mode } = workerData as JobWorkerData;
const controller = new AbortController();
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});
const post = (m: JobWorkerMessage) => parentPort!.postMessage(m);

const project = Project.open(projectRoot);
try {
  const onProgress = (progress: RunProgress) => post({ type: 'progress', progress });
  const job = getJob(project, jobId);
  if (job.kind === 'transcribe') {
    // Reading is quick and idempotent (a prediction per line and model): no checkpoints, and
    // "resume" simply reads again.
    const { modelId, pageIds } = job.config as { modelId: number; pageIds?: number[] };
    await transcribe(project, modelId, {
      jobId,
      pageIds,
      signal: controller.signal,
      onProgress: (done, total) =>
        post({
          type: 'progress',
          progress: { jobId, phase: 'transcribe', step: done, steps: total, loss: 0, linesPerSecond: 0, etaSeconds: 0 },
        }),
    });
    post({ type: 'done', modelId });
  } else if (job.kind === 'evaluate') {
    const { modelId, split } = job.config as { modelId: number; split: Split };
    await runEvaluationJob(project, jobId, modelId, split);
    post({ type: 'done', modelId });
  } else if (job.kind === 'segment') {
    // Never resumed (the runner refuses): always a start from the job's own config.
    const { steps } = job.config as { steps: number };
    const started = Date.now();
    await trainProjectSegmenter(project, {
      jobId,
      steps,
      signal: controller.signal,
      onStep: (step, loss) => {
        const perStep = (Date.now() - started) / 1000 / (step + 1);
        post({
          type: 'progress',
          progress: { jobId, phase: 'segmenter', step: step + 1, steps, loss, linesPerSecond: 0, etaSeconds: perStep * (steps - step - 1) },
        });
      },
    });
    post({ type: 'done' });
  } else {
    const version =
      mode === 'start'
        ? await runQueuedJob(project, jobId, { onProgress, signal: controller.signal })
        : await resumeJob(project, jobId, onProgress, controller.signal);
    post({ type: 'done', modelId: version.id });
  }
} catch (error) {
  post(error instanceof JobCancelled ? { type: 'cancelled' } : { type: 'failed', message: (error as Error).message });
} finally {
  project.close();
  // The message listener would keep this thread alive, and the runner starts the next job
  // only when this one has exited. (process.exit in a worker ends the worker, not the app.)
  process.exit(0);
}
