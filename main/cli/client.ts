// The `quire` command as a client of the service table, in its own process: every command
// calls the same dispatcher (main/api/dispatch.ts) as the app's windows, so a command and
// the matching button validate and answer alike. Jobs run as the app runs them, in a
// worker thread of a JobRunner (host 'cli'), or with a queue given, transcription goes to
// `quire worker` processes (main/queue); the command prints their progress, waits for
// their end, and cancels them on Ctrl+C or SIGTERM (what `quire cancel` sends), which
// leaves a resumable checkpoint.
import type { z } from 'zod';
import type { JobSummary, Method, QuireEvent, Responses, schemas } from '../../shared/api.ts';
import type { RunProgress } from '../../shared/job-configs.ts';
import { createDispatcher } from '../api/dispatch.ts';
import { createService } from '../api/service.ts';
import { JobCancelled } from '../jobs/jobs.ts';
import { JobRunner } from '../jobs/runner.ts';
import { Project } from '../project/project.ts';
import { QueueRunner, type QueueSettings } from '../queue/queue-runner.ts';

type Ending = Extract<QuireEvent, { type: 'job-changed' }>;
/** A request as the schema takes it: what it defaults may be left out. */
export type Input<M extends Method> = z.input<(typeof schemas)[M]>;

export interface Client {
  call<M extends Method>(method: M, request: Input<M>): Promise<Responses[M]>;
  /** Events of the service (import and segmentation progress). */
  onEvent(listener: (event: QuireEvent) => void): void;
  /** Waits for a job the runner started or resumed, printing its progress; its row once done, else its error (JobCancelled when cancelled). */
  waitForJob(jobId: number, onProgress: (p: RunProgress) => void): Promise<JobSummary>;
}

export interface ClientOptions {
  /** Transcription jobs go to this queue of `quire worker` processes instead of a local thread. */
  queue?: QueueSettings;
}

export async function withClient<T>(dir: string, fn: (client: Client) => Promise<T>, options: ClientOptions = {}): Promise<T> {
  const project = Project.open(dir);
  const listeners = new Set<(event: QuireEvent) => void>();
  const endings = new Map<number, Ending>();
  /** Jobs this process queued or runs that have not ended: what Ctrl+C cancels. */
  const live = new Set<number>();
  const emit = (event: QuireEvent) => {
    // A job this process's worker found taken by another process ends here too, whatever its
    // state: waiting for it would wait on the other's run (and a Ctrl+C would cancel that).
    if (event.type === 'job-changed') {
      const ended = event.elsewhere || ['done', 'failed', 'cancelled'].includes(event.state);
      if (ended) {
        endings.set(event.jobId, event);
        live.delete(event.jobId);
      } else live.add(event.jobId);
    }
    for (const listener of listeners) listener(event);
  };
  const local = new JobRunner(project, emit, 'cli');
  const runner = options.queue ? new QueueRunner(project, emit, local, options.queue) : local;
  const { dispatch } = createDispatcher(createService(project, emit, runner));
  const call: Client['call'] = (method, request) => dispatch(method, request);

  async function waitForJob(jobId: number, onProgress: (p: RunProgress) => void): Promise<JobSummary> {
    const progress = (event: QuireEvent) => {
      if (event.type === 'job-progress' && event.progress.jobId === jobId) onProgress(event.progress);
    };
    listeners.add(progress);
    try {
      while (!endings.has(jobId)) await new Promise((r) => setTimeout(r, 50));
    } finally {
      listeners.delete(progress);
    }
    const end = endings.get(jobId)!;
    if (end.state === 'cancelled') throw new JobCancelled(`job ${jobId} was cancelled; resume continues from its checkpoint`);
    if (end.state === 'failed') throw new Error(end.error ?? `job ${jobId} failed`);
    // Still queued or running: in the other process's hands (a cancel from elsewhere is told as cancelled above).
    if (end.elsewhere && end.state !== 'done')
      throw new Error(`job ${jobId} is ${end.state} in another process (its resume came first); this command leaves it to that one`);
    const job = (await call('listJobs', {})).find((j) => j.id === jobId);
    if (!job) throw new Error(`job ${jobId} is gone from the project`);
    return job;
  }

  // Handled for the client's whole life, not only while a job is waited for: a signal in
  // the moment between a job being stored and its wait beginning killed the process and
  // left the job "running" with no one running it.
  const removeHandlers = stopOnSignal(() => [...live].map((jobId) => call('cancelJob', { jobId })));
  try {
    return await fn({ call, onEvent: (listener) => listeners.add(listener), waitForJob });
  } finally {
    removeHandlers();
    // A job still running (the command failed meanwhile) is cancelled, with its checkpoint.
    await runner.stop();
    project.close();
  }
}

/**
 * Ctrl+C or SIGTERM (what `quire cancel` sends) cancels the command's jobs: training stops
 * at the end of the current step with a checkpoint, and the job is then resumable; the wait
 * for it ends in JobCancelled (exit 130). With no job of its own, or at a second Ctrl+C,
 * the command quits at once. Exit 130 (a shell's code for SIGINT) for SIGTERM too, on
 * purpose: both are a person's request to stop (`quire cancel` sends SIGTERM), and scripts
 * test one code for "stopped on request". Returns the function that removes the handlers.
 */
function stopOnSignal(cancelJobs: () => Array<Promise<unknown>>): () => void {
  let asked = false;
  const stop = () => {
    if (asked) process.exit(130);
    asked = true;
    const cancels = cancelJobs();
    if (cancels.length === 0) process.exit(130);
    for (const cancel of cancels) cancel.catch((error) => process.stderr.write(`quire: ${(error as Error).message}\n`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}
