// Jobs are rows: queued → running → done | failed | cancelled, or interrupted when the
// process died while running. Progress and log live in the row, so any window or CLI
// can show them, and a crash leaves a record of what was going on. The rows' reads and
// writes are store-neutral programs (main/db/ops.ts, `jobRecords`), run on a project
// folder by the functions of a Project below and on the server store by the team server.
import { isMainThread, workerData } from 'node:worker_threads';
import { perform } from '../db/execute.ts';
import { jobs } from '../db/jobs.ts';
import { step, type Program } from '../db/ops.ts';
import { instanceAlive, ownToken, writerAlive } from '../fs/process-instance.ts';
import type { Project } from '../project/project.ts';

export type JobKind = 'pretrain' | 'finetune' | 'transcribe' | 'evaluate' | 'segment' | 'find-lines';
import type { JobState } from '../../shared/job-states.ts';
import type { JobRow } from '../db/jobs.ts';

export type { JobState };

export interface Job {
  id: number;
  kind: JobKind;
  state: JobState;
  config: Record<string, unknown>;
  progress: Record<string, unknown>;
  log: string;
  error: string | null;
  modelId: number | null;
  createdAt: string;
  updatedAt: string;
}

const fromRow = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  config: JSON.parse(r.config),
  progress: JSON.parse(r.progress),
  log: r.log,
  error: r.error,
  modelId: r.model_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Who runs a job, recorded with every progress write and whenever it starts running: the
 * crash check and `quire cancel` need the process, and must never signal the app, whose
 * jobs run in worker threads of its own process. A job worker of the `quire` command
 * (runner host 'cli') is signalled like the command itself: the command cancels its job.
 */
const runningHere = () => ({
  pid: process.pid,
  // The process instance (process-instance.ts): a pid reused by another process is not this one.
  ...(ownToken() === undefined ? {} : { token: ownToken() }),
  app: !isMainThread && (workerData as { host?: string } | null)?.host !== 'cli',
});

export type JobChange = { state?: JobState; progress?: Record<string, unknown>; error?: string; modelId?: number; log?: string };

function* createJobOp(kind: JobKind, config: Record<string, unknown>, state: JobState = 'running'): Program<Job> {
  const progress = state === 'running' ? runningHere() : {};
  const id = yield* step(jobs.insertJob(kind, state, JSON.stringify(config), JSON.stringify(progress)));
  return yield* getJobOp(id);
}

function* getJobOp(id: number): Program<Job> {
  const row = yield* step(jobs.jobRow(id));
  if (!row) throw new Error(`no job ${id} in this project`);
  return fromRow(row);
}

function* listJobsOp(): Program<Job[]> {
  return (yield* step(jobs.jobRows())).map(fromRow);
}

function* updateJobOp(id: number, change: JobChange): Program<void> {
  const progress = change.progress ? { ...change.progress, ...runningHere() } : change.state === 'running' ? runningHere() : null;
  yield* step(
    jobs.updateJobRow(id, {
      state: change.state ?? null,
      progress: progress ? JSON.stringify(progress) : null,
      error: change.error ?? null,
      modelId: change.modelId ?? null,
      log: change.log ? `${new Date().toISOString()} ${change.log}\n` : null,
    }),
  );
}

/**
 * Claims the job: moves it to `to` (running, by default, with this process recorded) only
 * while its state is one of `from`, in one statement. Answers false when another got there
 * first (a cancel, another resume): the caller then leaves the job alone.
 */
function* claimJobOp(id: number, from: readonly JobState[], o: { to?: JobState; log?: string } = {}): Program<boolean> {
  const to = o.to ?? 'running';
  return yield* step(
    jobs.claimJobRow(
      id,
      from,
      to,
      to === 'running' ? JSON.stringify(runningHere()) : null,
      o.log ? `${new Date().toISOString()} ${o.log}\n` : null,
    ),
  );
}

/** Thrown when a job could not be claimed: another process cancelled, started or resumed it first. */
export class JobNotClaimed extends Error {
  override name = 'JobNotClaimed';
}

/** The job rows' programs, for either store. */
export const jobRecords = { create: createJobOp, get: getJobOp, list: listJobsOp, update: updateJobOp, claim: claimJobOp };

export const createJob = (project: Project, kind: JobKind, config: Record<string, unknown>, state: JobState = 'running'): Job =>
  perform(project.db, createJobOp(kind, config, state));

export const getJob = (project: Project, id: number): Job => perform(project.db, getJobOp(id));

export const listJobs = (project: Project): Job[] => perform(project.db, listJobsOp());

export const updateJob = (project: Project, id: number, change: JobChange): void => perform(project.db, updateJobOp(id, change));

/** claimJobOp on a project folder; throws JobNotClaimed, naming the job's state now, when another got there first. */
export function claimJob(project: Project, id: number, from: readonly JobState[], o: { to?: JobState; log?: string } = {}): void {
  if (!perform(project.db, claimJobOp(id, from, o)))
    throw new JobNotClaimed(`job ${id} is ${getJob(project, id).state} now, not ${from.join(' or ')}: left as it is`);
}

/**
 * Whether the process that runs a job (its progress's `pid` and `token`) still runs. A row
 * with a token counts only while the pid's process has that token; an older row with a pid
 * alone, while the pid's process started before the row was last written.
 */
export function jobProcessAlive(job: Pick<Job, 'progress' | 'updatedAt'>): boolean {
  const pid = Number(job.progress.pid);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const token = job.progress.token;
  return typeof token === 'string' ? instanceAlive(pid, token) : writerAlive(pid, Date.parse(job.updatedAt));
}

/**
 * A job marked running whose process (recorded in its progress as `pid` and `token`) is gone
 * was killed or crashed: it becomes interrupted, to be resumed from its last checkpoint.
 */
export function markInterrupted(project: Project): number {
  let n = 0;
  for (const job of listJobs(project).filter((j) => j.state === 'running')) {
    if (!jobProcessAlive(job)) {
      updateJob(project, job.id, {
        state: 'interrupted',
        log: 'the process running this job stopped; resume continues from the last checkpoint',
      });
      n++;
    }
  }
  return n;
}

/** Thrown when a job stops because it was asked to; it stays resumable. */
export class JobCancelled extends Error {
  override name = 'JobCancelled';
}

/**
 * Asks a job to stop from another process. A queued job is cancelled at once; a job running
 * in a `quire` process gets SIGTERM, on which it checkpoints and ends as cancelled. A job
 * running inside the app is refused: signalling it would stop the whole app.
 */
export function requestCancel(project: Project, jobId: number): 'cancelled' | 'signalled' {
  // Cancelled only while still queued: a worker that claimed it meanwhile is signalled instead.
  if (perform(project.db, claimJobOp(jobId, ['queued'], { to: 'cancelled', log: 'cancelled before it started' }))) return 'cancelled';
  const job = getJob(project, jobId);
  if (job.state !== 'running') throw new Error(`job ${jobId} is ${job.state}, not queued or running`);
  if (job.progress.app) throw new Error(`job ${jobId} runs in the Quire app: cancel it in the app's Training panel`);
  // Never a process that merely has the pid now: only the job's own (jobProcessAlive).
  if (!jobProcessAlive(job)) {
    markInterrupted(project);
    throw new Error(`job ${jobId} was no longer running (now marked interrupted; resume continues from its checkpoint)`);
  }
  process.kill(Number(job.progress.pid), 'SIGTERM');
  return 'signalled';
}
