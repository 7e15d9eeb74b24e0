// Runs the query modules' SQL. Kysely builds and type-checks the queries against the schema
// (schema.ts), used only as a query compiler: its SQLite dialect with a DummyDriver ("Splitting
// query building and execution" in Kysely's docs), never its own async execution. The
// compiled SQL runs here, synchronously, through better-sqlite3, because the app relies on
// synchronous transactions: an edit of several statements (archive a line, renumber the
// page, log the undo step) is one `transaction(db, fn)` that nothing else can interleave
// with, and the services answer without awaiting the database.
//
// The PostgreSQL path (a shared team server): the same builders run on the server store by
// the async executor in pg/execute.ts, compiled with Kysely's PostgresQueryCompiler; see
// README.md for what is ported and what the `quire serve` slice still needs.
import {
  sql,
  CompiledQuery,
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
  type RawBuilder,
} from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';
import {
  drive,
  isProgram,
  onStore,
  PerDialect,
  type Op,
  type Operations,
  type OnStore,
  type Query,
  type Runner,
  type Step,
} from './ops.ts';

export type { Db } from './database.ts';

/** The query builder: builds and compiles SQLite SQL, and cannot execute it (its driver is a dummy). */
export const qb = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new SqliteIntrospector(k),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

export type { Query };

/** SQLite's text for the time now (UTC, milliseconds), the format of every timestamp column. */
export const SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/**
 * The time now, in a query for either store: SQLite's strftime text here, which the server
 * store's compiler replaces by its own expression of the same format (pg/execute.ts).
 */
export const now = sql.raw<string>(SQLITE_NOW);

type Statement = BetterSqlite3.Statement<unknown[], unknown>;
// Prepared statements by SQL text, per connection: a query built in a loop compiles to the
// same text, and preparing it once is what the hand-written code did with its statements.
const statements = new WeakMap<Db, Map<string, Statement>>();

function compiled<O>(q: Query<O>): CompiledQuery<O> {
  if ('sql' in q && 'parameters' in q && 'query' in q) return q as CompiledQuery<O>;
  if ('isRawBuilder' in q) return (q as RawBuilder<O>).compile(qb);
  return (q as Compilable<O>).compile();
}

function prepared(db: Db, q: Query<unknown>): { statement: Statement; parameters: unknown[] } {
  const c = compiled(q);
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(c.sql);
  if (!statement) cache.set(c.sql, (statement = db.prepare<unknown[]>(c.sql)));
  return { statement, parameters: [...c.parameters] };
}

const PARAM = Symbol('quire.param');
type Param = { [PARAM]: string };
const isParam = (v: unknown): v is Param => typeof v === 'object' && v !== null && PARAM in v;

/**
 * A query built and compiled once, then run with new values: for statements in hot loops
 * (an import writes hundreds of thousands of lines, a renumbering updates every line of a
 * page), where building and compiling a query each time costs several times the write
 * itself. `build` receives `p`: `p('name')` stands for the value of `name`, passed later.
 */
export function template<V extends Record<string, unknown>, O = unknown>(
  build: (p: (name: keyof V & string) => never) => Compilable<O>,
): (values: V) => CompiledQuery<O> {
  let compiled: CompiledQuery<O> | undefined;
  return (values) => {
    compiled ??= build((name) => ({ [PARAM]: name }) as never).compile();
    return { ...compiled, parameters: compiled.parameters.map((v) => (isParam(v) ? values[v[PARAM]] : v)) };
  };
}

/** Every row of a query, in its order. */
export function all<O>(db: Db, q: Query<O>): O[] {
  const { statement, parameters } = prepared(db, q);
  return statement.all(...parameters) as O[];
}

/** The first row, or undefined. */
export function first<O>(db: Db, q: Query<O>): O | undefined {
  const { statement, parameters } = prepared(db, q);
  return statement.get(...parameters) as O | undefined;
}

/** Runs a statement that returns no rows: how many rows it changed, and the id of the last inserted one. */
export function run(db: Db, q: Query<unknown>): { changes: number; lastId: number } {
  const { statement, parameters } = prepared(db, q);
  const r = statement.run(...parameters);
  return { changes: r.changes, lastId: Number(r.lastInsertRowid) };
}

/**
 * Runs `fn` in one transaction (a savepoint inside another): all its statements commit, or none.
 * It begins IMMEDIATE, taking the write lock at once (waiting up to the busy timeout for it):
 * most transactions read, then write what the reads decided, and a deferred one that read
 * first would fail its first write with SQLITE_BUSY_SNAPSHOT whenever another connection
 * committed in between (WAL: its snapshot is stale, and SQLite cannot wait that out). A
 * read-only connection cannot take the write lock, and begins deferred.
 */
export function transaction<T>(db: Db, fn: () => T): T {
  const tx = db.transaction(fn);
  return db.readonly ? tx() : tx.immediate();
}

function performStep(db: Db, s: Step): unknown {
  if (s.kind === 'transaction') return transaction(db, () => perform(db, s.body()));
  const q = s.query instanceof PerDialect ? s.query.sqlite : s.query;
  const answer = s.answer as (r: unknown) => unknown;
  if (s.kind === 'all') return answer(all(db, q));
  if (s.kind === 'first') return answer(first(db, q));
  return answer(run(db, q));
}

/** Runs a store-neutral operation (ops.ts) here, synchronously, as the modules always ran. */
export function perform<T>(db: Db, op: Op<T>): T {
  return isProgram(op) ? drive(op, (s) => performStep(db, s)) : (performStep(db, op) as T);
}

/** A Runner (ops.ts) on the desktop database `db()`: for code that serves either store. */
export const desktopRunner =
  (db: () => Db): Runner =>
  (op) =>
    new Promise((resolve) => resolve(perform(db(), op)));

/** A module's operations (ops.ts) as functions of a desktop database: `insertLine(db, …)`. */
export const onDesktop = <M extends Operations>(operations: M) => onStore<M, Db>(operations, perform) as OnStore<M, Db, 'sync'>;
