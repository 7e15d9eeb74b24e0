// Copies a whole project's rows between the desktop store (SQLite) and the server store
// (PostgreSQL), both ways: every table row for row with the same ids, read from one
// snapshot of the source and written in one transaction on the destination, which must hold
// no project yet. The search tables are not copied: they are derived from the rows, and each
// store's triggers rebuild them as the rows arrive.
//
// Rows go in batches, each under a savepoint: a batch the destination refuses (a row that
// breaks a constraint, a value of the wrong type) is retried row by row to name the row.
import { sql } from 'kysely';
import { all, first, qb, run, transaction, type Db } from '../execute.ts';
import * as pgx from './execute.ts';
import { commitOutcome, currentTransactionId } from './commit-outcome.ts';
import type { PgStore } from './store.ts';

/** Every table of a project, parents before children, with its primary key. */
export const PROJECT_TABLES = [
  ['documents', 'id'],
  ['pages', 'id'],
  ['regions', 'id'],
  ['lines', 'id'],
  ['transcriptions', 'id'],
  ['models', 'id'],
  ['jobs', 'id'],
  ['predictions', 'id'],
  ['deleted_lines', 'id'],
  ['line_geometry_history', 'id'],
  ['undo_log', 'id'],
  ['settings', 'key'],
  // A team server's accounts and their sessions (tokens only as hashes) move with the project.
  ['users', 'id'],
  ['sessions', 'id'],
  // Failed log-ins still in their window go too: the limit holds across the move.
  ['login_failures', 'id'],
] as const;

type Table = (typeof PROJECT_TABLES)[number][0];
type Key = (typeof PROJECT_TABLES)[number][1];
export type Row = Record<string, unknown>;
/** Rows copied per table. */
export type RowCounts = Record<Table, number>;

/** Rows per statement: lines, the widest table, stay far below PostgreSQL's 65,535 values. */
const BATCH = 500;

// The tables and keys are known only at run time here: one generic query per table.
const page = (table: Table, key: Key, after: unknown) => {
  const q = qb.selectFrom(table as 'settings').selectAll();
  return (after === undefined ? q : q.where(key as 'key', '>', after as string)).orderBy(key as 'key').limit(BATCH);
};
const insert = (table: Table, rows: Row[]) => qb.insertInto(table as 'settings').values(rows as never);

interface Source {
  /** The rows of `table` in key order, a batch at a time. */
  batches(table: Table, key: Key): AsyncIterable<Row[]>;
}

interface Destination {
  /** Names the first table holding a row, or undefined when the store is empty. */
  nonEmptyTable(): Promise<Table | undefined>;
  /** Inserts rows, all or none (a savepoint). */
  insert(table: Table, rows: Row[]): Promise<void>;
}

async function* pages(read: (after: unknown) => Promise<Row[]> | Row[], key: Key): AsyncIterable<Row[]> {
  let after: unknown;
  for (;;) {
    const rows = await read(after);
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)![key];
  }
}

async function copyRows(from: Source, to: Destination, where: string, progress: (table: string, rows: number) => void) {
  const occupied = await to.nonEmptyTable();
  if (occupied) throw new Error(`${where} already holds a Quire project (its ${occupied} table has rows); migrate into an empty one`);
  const counts = {} as RowCounts;
  for (const [table, key] of PROJECT_TABLES) {
    counts[table] = 0;
    for await (const rows of from.batches(table, key)) {
      try {
        await to.insert(table, rows);
      } catch (error) {
        throw await namedRow(to, table, key, rows, error as Error);
      }
      counts[table] += rows.length;
      progress(table, counts[table]);
    }
  }
  return counts;
}

/** The error of the first row of a refused batch that is refused alone, naming it. */
async function namedRow(to: Destination, table: Table, key: Key, rows: Row[], batchError: Error): Promise<Error> {
  for (const row of rows) {
    try {
      await to.insert(table, [row]);
    } catch (error) {
      return new Error(`${table} row ${key} ${String(row[key])} cannot be copied: ${(error as Error).message}`);
    }
  }
  return new Error(`${table} rows ${String(rows[0][key])}–${String(rows.at(-1)![key])} cannot be copied: ${batchError.message}`);
}

const desktopSource = (db: Db): Source => ({
  batches: (table, key) => pages((after) => all(db, page(table, key, after)) as Row[], key),
});

const serverSource = (tx: pgx.PgDb): Source => ({
  batches: (table, key) => pages((after) => pgx.all(tx, page(table, key, after)) as Promise<Row[]>, key),
});

async function firstNonEmpty(has: (table: Table) => Promise<boolean> | boolean): Promise<Table | undefined> {
  for (const [table] of PROJECT_TABLES) if (await has(table)) return table;
  return undefined;
}

export interface CopyOptions {
  /** The destination, as the error for one that already holds a project names it. */
  where: string;
  progress?: (table: string, rows: number) => void;
  /** Runs after the last row, before the commit (the files are copied here); throwing rolls back. */
  beforeCommit?: () => Promise<void>;
  /** How long to keep asking the server whether a COMMIT that got no answer happened (10 s). */
  commitCheckMs?: number;
}

/**
 * The connection failed during COMMIT and the server could not say whether the rows were
 * committed: whoever copied files for them keeps them (they may be the project's).
 */
export class CommitUnknownError extends Error {
  override name = 'CommitUnknownError';
}

/**
 * Copies a desktop project's rows into an empty server store, in one transaction. When the
 * COMMIT itself fails (the connection dropped on the way), the server is asked what became
 * of the transaction: committed, the copy succeeded; rolled back, it failed; neither known, a
 * CommitUnknownError.
 */
export async function copyDesktopToServer(from: Db, to: PgStore, o: CopyOptions): Promise<RowCounts> {
  let xid: string | undefined;
  let copied: RowCounts | undefined;
  try {
    return await snapshotOf(from, () =>
      pgx.transaction(to, async (tx) => {
        // Rows arrive table by table; the foreign keys are checked once all are in.
        await tx.query('SET CONSTRAINTS ALL DEFERRED');
        xid = await currentTransactionId(tx);
        const counts = await copyRows(desktopSource(from), serverDestination(tx), o.where, o.progress ?? (() => {}));
        // Identity columns were given explicit ids: new rows continue after the highest.
        for (const [table, key] of PROJECT_TABLES)
          if (key === 'id')
            await pgx.run(
              tx,
              sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce((SELECT max(id) FROM ${sql.table(table)}), 0) + 1, false)`,
            );
        await checkReferences(tx);
        await o.beforeCommit?.();
        // Set last: an error from here on is the COMMIT's.
        copied = counts;
        return counts;
      }),
    );
  } catch (error) {
    if (!copied || !xid) throw error;
    const failed = `the connection to ${o.where} failed during COMMIT (${(error as Error).message})`;
    const outcome = await commitOutcome(to, xid, o.commitCheckMs ?? 10_000);
    if (outcome.status === 'committed') return copied;
    if (outcome.status === 'aborted') throw new Error(`${failed}; the server rolled the move back: nothing was copied`);
    throw new CommitUnknownError(`${failed}, and whether it committed cannot be told (${outcome.why})`);
  }
}

/**
 * The deferred foreign keys checked now rather than at the commit: the error names the
 * reference (PostgreSQL's detail holds the key), as the desktop direction's
 * foreign_key_check does, and no file is copied for rows that cannot commit.
 */
async function checkReferences(tx: pgx.PgDb): Promise<void> {
  try {
    await tx.query('SET CONSTRAINTS ALL IMMEDIATE');
  } catch (error) {
    const e = error as { table?: string; detail?: string; message: string };
    throw new Error(`${e.table ?? 'a'} row refers to a missing row (${e.detail ?? e.message}); nothing was copied`);
  }
}

const serverDestination = (tx: pgx.PgDb): Destination => ({
  nonEmptyTable: () =>
    firstNonEmpty(
      async (table) =>
        (await pgx.first(
          tx,
          qb
            .selectFrom(table)
            .select(sql`1`.as('x'))
            .limit(1),
        )) !== undefined,
    ),
  insert: async (table, rows) => {
    await pgx.transaction(tx, () => pgx.run(tx, insert(table, rows)));
  },
});

/** Copies a server store's rows into an empty desktop database, in one transaction. */
export async function copyServerToDesktop(from: PgStore, to: Db, o: CopyOptions): Promise<RowCounts> {
  return pgx.transaction(
    from,
    async (snapshot) => {
      to.exec('BEGIN IMMEDIATE');
      try {
        // As on the server: foreign keys checked at the commit, so tables may arrive in any order.
        to.pragma('defer_foreign_keys = ON');
        const counts = await copyRows(serverSource(snapshot), desktopDestination(to), o.where, o.progress ?? (() => {}));
        const broken = all(to, sql<{ table: string; rowid: number; parent: string }>`PRAGMA foreign_key_check`);
        if (broken.length)
          throw new Error(`${broken[0].table} row ${broken[0].rowid} refers to a missing ${broken[0].parent} row; nothing was copied`);
        await o.beforeCommit?.();
        to.exec('COMMIT');
        return counts;
      } catch (error) {
        if (to.inTransaction) to.exec('ROLLBACK');
        throw error;
      }
    },
    { snapshot: true },
  );
}

const desktopDestination = (db: Db): Destination => ({
  nonEmptyTable: () =>
    firstNonEmpty(
      (table) =>
        first(
          db,
          qb
            .selectFrom(table)
            .select(sql`1`.as('x'))
            .limit(1),
        ) !== undefined,
    ),
  insert: async (table, rows) => {
    // better-sqlite3 nests a transaction inside the open one as a savepoint.
    transaction(db, () => run(db, insert(table, rows)));
  },
});

/** Runs `fn` reading `db` from one snapshot (a read transaction in WAL mode), even across awaits. */
async function snapshotOf<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  db.exec('BEGIN');
  try {
    // The snapshot begins with the first read, not with BEGIN.
    first(db, qb.selectFrom('settings').select('key').limit(1));
    return await fn();
  } finally {
    db.exec('COMMIT');
  }
}
