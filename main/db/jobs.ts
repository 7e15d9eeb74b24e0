// Job rows: kind, state, config, progress and log (main/jobs/jobs.ts is their lifecycle).
import { sql } from 'kysely';
import type { JobsTable } from './schema.ts';
import { all, first, now, qb, run, type Db } from './execute.ts';

type Kind = JobsTable['kind'];
type State = JobsTable['state'];

export const insertJob = (db: Db, kind: Kind, state: State, config: string, progress: string): number =>
  run(db, qb.insertInto('jobs').values({ kind, state, config, progress })).lastId;

export const jobRow = (db: Db, id: number) => first(db, qb.selectFrom('jobs').selectAll().where('id', '=', id));

/** Every job, oldest first. */
export const jobRows = (db: Db) => all(db, qb.selectFrom('jobs').selectAll().orderBy('id'));

/** Changes what is given (null: unchanged); `log` is appended. */
export function updateJobRow(
  db: Db,
  id: number,
  c: { state: State | null; progress: string | null; error: string | null; modelId: number | null; log: string | null },
): void {
  run(
    db,
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
  );
}

/** Finished segmenter jobs, newest first. */
export const doneSegmenterJobs = (db: Db) =>
  all(
    db,
    qb
      .selectFrom('jobs')
      .select(['id', 'updated_at', 'progress'])
      .where('kind', '=', 'segment')
      .where('state', '=', 'done')
      .orderBy('id', 'desc'),
  );
