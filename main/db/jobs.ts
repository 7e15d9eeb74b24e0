// Job rows: kind, state, config, progress and log (main/jobs/jobs.ts is their lifecycle).
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below and
// on the server store by the team server.
import { sql, type Selectable } from 'kysely';
import type { JobsTable } from './schema.ts';
import { now, onDesktop, qb } from './execute.ts';
import { all, changed, first, lastId, map, none, run } from './ops.ts';

type Kind = JobsTable['kind'];
type State = JobsTable['state'];

/** A job's row as read. */
export type JobRow = Selectable<JobsTable>;

export const jobs = {
  insertJob: (kind: Kind, state: State, config: string, progress: string) =>
    map(run(qb.insertInto('jobs').values({ kind, state, config, progress })), lastId),

  jobRow: (id: number) => first<JobRow>(qb.selectFrom('jobs').selectAll().where('id', '=', id)),

  /** The store's clock now (its timestamps' format), to compare with rows' updated_at. */
  storeTime: () => map(first<{ t: string }>(qb.selectNoFrom(now.as('t'))), (r) => r!.t),

  /** Every job, oldest first. */
  jobRows: () => all<JobRow>(qb.selectFrom('jobs').selectAll().orderBy('id')),

  /** Changes what is given (null: unchanged); `log` is appended. */
  updateJobRow: (
    id: number,
    c: { state: State | null; progress: string | null; error: string | null; modelId: number | null; log: string | null },
  ) =>
    none(
      run(
        qb
          .updateTable('jobs')
          .set((eb) => ({
            state: eb.fn.coalesce(sql.val(c.state), 'state'),
            progress: eb.fn.coalesce(sql.val(c.progress), 'progress'),
            error: eb.fn.coalesce(sql.val(c.error), 'error'),
            model_id: eb.fn.coalesce(sql.val(c.modelId), 'model_id'),
            log: sql<string>`log || coalesce(${c.log}, '')`,
            updated_at: now,
          }))
          .where('id', '=', id),
      ),
    ),

  /**
   * Moves the job to `to` only while its state is one of `from`, in one statement: a claim
   * that two processes (a worker and a cancel, two resumes) cannot both win. Answers whether
   * it did; `progress` and `log` (appended) are written with it.
   */
  claimJobRow: (id: number, from: readonly State[], to: State, progress: string | null, log: string | null) =>
    map(
      run(
        qb
          .updateTable('jobs')
          .set((eb) => ({
            state: to,
            progress: eb.fn.coalesce(sql.val(progress), 'progress'),
            log: sql<string>`log || coalesce(${log}, '')`,
            updated_at: now,
          }))
          .where('id', '=', id)
          .where('state', 'in', [...from]),
      ),
      changed,
    ),

  /** Finished segmenter jobs, newest first. */
  doneSegmenterJobs: () =>
    all(
      qb
        .selectFrom('jobs')
        .select(['id', 'updated_at', 'progress'])
        .where('kind', '=', 'segment')
        .where('state', '=', 'done')
        .orderBy('id', 'desc'),
    ),
};

export const { insertJob, jobRow, jobRows, updateJobRow, claimJobRow, doneSegmenterJobs } = onDesktop(jobs);
