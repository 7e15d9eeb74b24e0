// Who still follows a queued job. A job on the queue is followed by the process that queued
// it (a team server, or the `quire` command): it writes the row's progress and end from the
// workers' events. When that process dies (killed, the machine restarted), the row would stay
// `running` for ever: on a server store no other process can tell from a pid whether the
// follower is alive (it may run on another machine). So a follower renews a lease: its run
// touches the row every `beatMs` (the row's updated_at, in the store's own clock), and a row
// queued or running whose lease is older than `orphanAfterMs` has no follower. A team server
// marks such rows interrupted, at start and then periodically; resume or cancel then works
// from any server process, taking the dead run's waiting parts off the queue first (their ids
// are in the row's progress as `tasks`), so a resumed run does not read them a second time.
import type { Queue } from 'bullmq';
import { jobs } from '../db/jobs.ts';
import { step, type Program } from '../db/ops.ts';
import { jobRecords, type Job } from '../jobs/jobs.ts';

/** How often a run renews its lease. */
export const BEAT_MS = 15_000;
/** A lease this old has no follower (four beats missed). */
export const ORPHAN_AFTER_MS = 60_000;

export interface LeaseSettings {
  beatMs?: number;
  orphanAfterMs?: number;
}

/** Jobs queued or running whose follower has not renewed its lease for `afterMs` (store clock). */
export function* orphanedJobs(afterMs: number, followedHere: (jobId: number) => boolean): Program<Job[]> {
  const now = yield* step(jobs.storeTime());
  const limit = new Date(Date.parse(now) - afterMs).toISOString();
  return (yield* jobRecords.list()).filter(
    (j) => (j.state === 'running' || j.state === 'queued') && j.updatedAt < limit && !followedHere(j.id),
  );
}

/** The ids of a run's tasks: what `takeOffQueue` needs of a job's progress. */
export interface RunTasks {
  tasks: string;
  parts: number;
}

export const runTasksOf = (job: Job): RunTasks | null =>
  typeof job.progress.tasks === 'string' && Number.isInteger(job.progress.parts)
    ? { tasks: job.progress.tasks, parts: job.progress.parts as number }
    : null;

/**
 * Removes a run's tasks still waiting (or waiting for a retry) from the queue; a task in a
 * worker's hands (locked) or already ended is left. Answers how many went and how many were left.
 */
export async function takeOffQueue(
  queue: Queue,
  { tasks, parts }: RunTasks,
  skip: (index: number) => boolean = () => false,
): Promise<{ removed: number; left: number }> {
  let removed = 0;
  let left = 0;
  for (let i = 0; i < parts; i++) {
    if (skip(i)) continue;
    // 0: locked by a worker, or already gone.
    const n = await queue.remove(`${tasks}${i}`).catch(() => 0);
    if (n) removed++;
    else left++;
  }
  return { removed, left };
}
