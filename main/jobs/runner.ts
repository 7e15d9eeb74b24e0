// The job queue of the app and of the `quire` command: one job at a time, each in a worker
// thread, the rest queued (as database rows, so the queue survives a restart). A job's
// config is checked (shared/job-configs.ts) before it is queued and before it is resumed.
// In the app, progress reaches windows as events at most a few times per second.
import { Worker } from 'node:worker_threads';
import type { QuireEvent } from '../../shared/api.ts';
import { checkJobRequest, parseJobConfig, type JobRequest, type RunProgress } from '../../shared/job-configs.ts';
import { isResumable, RESUMABLE_JOB_STATES } from '../../shared/job-states.ts';
import type { Project } from '../project/project.ts';
import { claimJob, createJob, getJob, listJobs, markInterrupted, requestCancel, updateJob } from './jobs.ts';
import type { JobWorkerData, JobWorkerMessage, RunnerHost } from './job-worker.ts';
import type { LiveJobs } from './live-jobs.ts';

export type { RunnerHost };

/**
 * What the job service asks of whoever runs its jobs: this runner, or one that sends some
 * kinds to a queue of workers (main/queue/queue-runner.ts) and the rest here.
 */
export type JobHost = Pick<JobRunner, 'start' | 'resume' | 'cancel' | 'live' | 'stop'>;

/** Finding lines runs as a job only on a team server's queue; a project folder finds them in the call (segment-pages.ts). */
const serverOnly = (jobId?: number) =>
  new Error(
    `${jobId ? `job ${jobId} found lines on a team server: such a job` : 'finding lines as a job'} runs only on a team server's queue (quire serve --database … --redis …); here, find lines again (Find lines, or quire segment)`,
  );

const PROGRESS_INTERVAL_MS = 250;
const HEARTBEAT_MS = 1000;

export class JobRunner {
  private worker: Worker | undefined;
  private running: number | undefined;
  /** The job whose worker runs and has not yet reported its end (see live()). */
  private active: number | undefined;
  private readonly waiting: Array<{ jobId: number; mode: JobWorkerData['mode'] }> = [];

  constructor(
    private readonly project: Project,
    private readonly emit: (e: QuireEvent) => void,
    private readonly host: RunnerHost = 'app',
  ) {
    markInterrupted(project);
    if (host === 'app')
      for (const job of listJobs(project).filter((j) => j.state === 'queued')) this.waiting.push({ jobId: job.id, mode: 'start' });
    this.next();
  }

  start(request: JobRequest): number {
    if (request.kind === 'find-lines') throw serverOnly();
    const config = checkJobRequest(request);
    const job = createJob(this.project, config.kind, config, 'queued');
    this.waiting.push({ jobId: job.id, mode: 'start' });
    this.emit({ type: 'job-changed', jobId: job.id, state: 'queued' });
    this.next();
    return job.id;
  }

  resume(jobId: number): void {
    // Its row says cancelled until the worker starts: a second Resume must not queue it twice.
    if (this.active === jobId || this.waiting.some((w) => w.jobId === jobId)) throw new Error(`job ${jobId} is already queued or running`);
    const job = getJob(this.project, jobId);
    if (!isResumable(job.state)) throw new Error(`job ${jobId} is ${job.state} and cannot be resumed`);
    // Refused here, not in the worker: the person asking should read why, not see a failed job.
    if (job.kind === 'find-lines') throw serverOnly(jobId);
    // A config damaged in the table (or written by another version) is refused before it queues.
    parseJobConfig(job);
    // Reading and evaluating have no checkpoints: "resume" runs them again.
    const rerun = job.kind === 'transcribe' || job.kind === 'evaluate';
    // Queued again only from the state just read: another process's resume or start since wins (JobNotClaimed).
    if (rerun) claimJob(this.project, jobId, RESUMABLE_JOB_STATES, { to: 'queued' });
    this.waiting.push({ jobId, mode: rerun ? 'start' : 'resume' });
    this.emit({ type: 'job-changed', jobId, state: 'queued' });
    this.next();
  }

  /**
   * What the runner knows before the database does. A started worker needs a few seconds
   * (loading the engine) before it marks its job running, and a job waiting to be resumed
   * is still "cancelled" in its row: listings show these states instead of the stale ones.
   */
  live(): LiveJobs {
    return { running: this.active, waiting: this.waiting.map((w) => w.jobId) };
  }

  /** Stops a job of this runner; another's (a `quire` process's, or one queued in the table) is asked as `quire cancel` asks. */
  cancel(jobId: number): void {
    if (this.running === jobId) {
      this.worker?.postMessage({ type: 'cancel' });
      return;
    }
    const i = this.waiting.findIndex((w) => w.jobId === jobId);
    if (i < 0) {
      if (requestCancel(this.project, jobId) === 'cancelled') this.emit({ type: 'job-changed', jobId, state: 'cancelled' });
      return;
    }
    this.waiting.splice(i, 1);
    updateJob(this.project, jobId, { state: 'cancelled', log: 'cancelled before it started' });
    this.emit({ type: 'job-changed', jobId, state: 'cancelled' });
  }

  private next(): void {
    if (this.worker || this.waiting.length === 0) return;
    const { jobId, mode } = this.waiting.shift()!;
    // Cancelled meanwhile (e.g. by `quire cancel` from a terminal): skip it.
    if (mode === 'start' && getJob(this.project, jobId).state !== 'queued') return this.next();
    this.running = jobId;
    this.active = jobId;
    const worker = new Worker(new URL('./job-worker.mjs', import.meta.url), {
      workerData: { projectRoot: this.project.root, jobId, mode, host: this.host } satisfies JobWorkerData,
    });
    this.worker = worker;
    this.emit({ type: 'job-changed', jobId, state: 'running' });
    let lastProgress = 0;
    let latest: { progress: RunProgress; at: number } | undefined;
    const everyStep = this.host === 'cli';
    // A step can take longer than a second (big batches, a busy machine): repeat the latest
    // progress with the ETA counted down, so windows see the job is alive at least each second.
    // (A terminal prints each step once: no repeats there.)
    const heartbeat = setInterval(() => {
      if (everyStep || !latest || Date.now() - lastProgress < HEARTBEAT_MS * 0.75) return;
      lastProgress = Date.now();
      const waited = (lastProgress - latest.at) / 1000;
      this.emit({ type: 'job-progress', progress: { ...latest.progress, etaSeconds: Math.max(0, latest.progress.etaSeconds - waited) } });
    }, HEARTBEAT_MS / 4);
    let ended = false;
    worker.on('message', (m: JobWorkerMessage) => {
      // Once the job has said how it ended, its thread only winds down: no progress of it is
      // told any more, neither a late message nor a heartbeat (a window would show it running).
      if (ended) return;
      if (m.type === 'progress') {
        const now = Date.now();
        latest = { progress: m.progress, at: now };
        if (!everyStep && now - lastProgress < PROGRESS_INTERVAL_MS && m.progress.step !== m.progress.steps) return;
        lastProgress = now;
        this.emit({ type: 'job-progress', progress: m.progress });
      } else {
        // The worker wrote the job's end to its row before saying so (or, not claimed, left
        // the row as another hand set it: the windows are told that state, not a failure).
        ended = true;
        clearInterval(heartbeat);
        this.active = undefined;
        this.emit({
          type: 'job-changed',
          jobId,
          state: m.type === 'not-claimed' ? m.state : m.type,
          modelId: m.type === 'done' ? m.modelId : undefined,
          error: m.type === 'failed' ? m.message : undefined,
          ...(m.type === 'not-claimed' ? { elsewhere: true as const } : {}),
        });
      }
    });
    const finish = () => {
      clearInterval(heartbeat);
      this.active = undefined;
      this.worker = undefined;
      this.running = undefined;
      this.next();
    };
    worker.on('error', (error) => {
      this.active = undefined;
      updateJob(this.project, jobId, { state: 'failed', error: error.message });
      this.emit({ type: 'job-changed', jobId, state: 'failed', error: error.message });
    });
    worker.on('exit', (code) => {
      // A worker that stops without saying how its job ended (terminated, or it exited) must
      // not leave its row "running" and a waiting window or \`quire\` command waiting forever.
      // Its row decides: an end the worker wrote before stopping is kept.
      if (this.active === jobId && ['queued', 'running'].includes(getJob(this.project, jobId).state)) {
        const error = `the job's worker stopped (exit code ${code}) before the job ended`;
        updateJob(this.project, jobId, { state: 'failed', error });
        this.emit({ type: 'job-changed', jobId, state: 'failed', error });
      }
      finish();
    });
  }

  async stop(): Promise<void> {
    this.waiting.length = 0;
    if (this.worker) {
      const exited = new Promise((r) => this.worker!.once('exit', r));
      this.worker.postMessage({ type: 'cancel' });
      await exited;
    }
  }
}
