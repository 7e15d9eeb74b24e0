// Job listings as they are this moment: a job row says what its worker last wrote, but the
// app's runner knows sooner which job it runs and which wait, and why. (Without this the
// jobs table showed "queued" for a whole run, and "cancelled" with a Resume button while
// the resumed job ran.)
import type { Job } from './jobs.ts';

export interface LiveJobs {
  /** The job the runner's worker is running, until the worker reports its end. */
  running: number | undefined;
  /** Jobs queued in the runner, in the order they will run (new ones, and resumed ones). */
  waiting: number[];
}

const KIND_NAMES: Record<Job['kind'], string> = {
  finetune: 'fine-tuning',
  pretrain: 'pretraining',
  transcribe: 'transcription',
  evaluate: 'evaluation',
  segment: 'segmenter training',
  'find-lines': 'finding lines',
};

export const kindName = (kind: Job['kind']) => KIND_NAMES[kind] ?? kind;

export function withLiveStates(jobs: Job[], live: LiveJobs): Array<Job & { waiting: string | null }> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const runningJob = live.running === undefined ? undefined : byId.get(live.running);
  return jobs.map((job) => {
    if (job.id === live.running) return { ...job, state: 'running', waiting: null };
    const place = live.waiting.indexOf(job.id);
    if (place < 0) return { ...job, waiting: job.state === 'queued' ? 'waits for the app to start it (open the project in Quire)' : null };
    // One job runs at a time: each waits for the running one, then for those ahead of it.
    const ahead = live.waiting.slice(0, place).map((id) => `job ${id}`);
    const reason = runningJob
      ? `waits for job ${runningJob.id} (${kindName(runningJob.kind)}) to finish${ahead.length ? `, then ${ahead.join(', ')}` : ''}; one job runs at a time`
      : ahead.length
        ? `waits for ${ahead.join(', ')}`
        : 'starting';
    return { ...job, state: 'queued', waiting: reason };
  });
}
