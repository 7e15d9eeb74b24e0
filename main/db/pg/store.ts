// Opens the server store: a pool of connections to a PostgreSQL database, its migrations
// (./migrations.ts) applied. The applied versions are rows of quire_schema, PostgreSQL's
// stand-in for SQLite's PRAGMA user_version. Migrating takes an advisory lock, so two
// servers or workers starting at once do not both apply the same migration.
import pg from 'pg';
import { hideUrlPassword } from '../../../shared/url-password.ts';
import { PG_MIGRATIONS } from './migrations.ts';
import { transaction, type PgDb } from './execute.ts';

export type PgStore = pg.Pool;

/** Whether a store location is a server's URL rather than a project folder. */
export const isServerUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/**
 * The URL without its password, to print or put in an error. Only the password is hidden:
 * a socket folder in the query string (?host=/run/…) is kept, since it tells servers apart.
 */
export const displayUrl = (url: string): string => hideUrlPassword(url, '***') ?? 'postgres://…';

// BIGINT (int8) columns hold SQLite's 64-bit INTEGERs: ids, counts, sizes. pg hands them over
// as strings, since they may exceed what a JS number holds exactly; ours stay far below
// 2^53, and one beyond it is an error rather than a silently rounded id.
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${text} from the server store is too large for Quire`);
  return n;
}

const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

const LOCK = 2_108_401; // pg_advisory_xact_lock key of the migrations: any number Quire alone uses

export async function schemaVersionPg(db: PgDb): Promise<number> {
  await db.query('CREATE TABLE IF NOT EXISTS quire_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  const r = await db.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM quire_schema');
  return r.rows[0].v;
}

/** Applies the migrations not yet applied, each in its own transaction: a failure keeps the versions before it. */
export async function migratePg(db: PgStore, migrations: readonly string[] = PG_MIGRATIONS): Promise<void> {
  for (;;) {
    const done = await transaction(db, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      const current = await schemaVersionPg(tx);
      if (current > migrations.length)
        throw new Error(
          `server database has schema version ${current}, newer than this Quire understands (${migrations.length}); update Quire`,
        );
      if (current === migrations.length) return true;
      await tx.query(migrations[current]);
      await tx.query('INSERT INTO quire_schema (version) VALUES ($1)', [current + 1]);
      return false;
    });
    if (done) return;
  }
}

export interface OpenOptions {
  migrations?: readonly string[];
  /** Refuse a database that is not a Quire store yet, rather than create the schema in it (a source to read). */
  existing?: boolean;
}

/** Connects to the server store at `url` and brings its schema up to date. */
export async function openServerStore(url: string, o: OpenOptions = {}): Promise<PgStore> {
  const pool = new pg.Pool({ connectionString: url, types, max: 4 });
  // An idle connection the server drops (restart, timeout) must not crash the process.
  pool.on('error', () => {});
  try {
    if (o.existing) {
      const r = await pool.query<{ found: boolean }>("SELECT to_regclass('quire_schema') IS NOT NULL AS found");
      if (!r.rows[0].found) throw new Error('holds no Quire project (no quire_schema table)');
    }
    await migratePg(pool, o.migrations);
  } catch (error) {
    await pool.end();
    throw new Error(`server store ${displayUrl(url)}: ${(error as Error).message}`);
  }
  return pool;
}
