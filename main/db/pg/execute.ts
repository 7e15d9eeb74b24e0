// Runs the query modules' builders on the server store (PostgreSQL, through `pg`): the async
// counterpart of ../execute.ts, with the same four functions returning promises. The
// builders are the same; they compile here with Kysely's PostgresQueryCompiler (still no
// Kysely execution: a DummyDriver, as in ../execute.ts). A template's compiled query
// (../execute.ts `template`) is recompiled from its operation tree with its own values, which
// both compilers list in the same order.
//
// A transaction runs on one pooled connection, handed to `fn` as the store to use; a
// transaction inside it is a savepoint, as better-sqlite3 nests them.
import pg from 'pg';
import {
  ColumnNode,
  CompiledQuery,
  DummyDriver,
  InsertQueryNode,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  ReferenceNode,
  ReturningNode,
  SelectionNode,
  createQueryId,
  type RawNode,
  type RootOperationNode,
} from 'kysely';
import { SQLITE_NOW } from '../execute.ts';
import {
  driveAsync,
  isProgram,
  onStore,
  PerDialect,
  type Op,
  type Operations,
  type OnStore,
  type Query,
  type Runner,
  type Step,
} from '../ops.ts';
import { PG_NOW } from './now.ts';
import { SCHEMA_COLUMNS, type Database } from '../schema.ts';

/** A pool (each statement on any free connection), or the one connection of a transaction. */
export type PgDb = pg.Pool | pg.PoolClient;

/** PostgreSQL's compiler, which also turns the dialect-neutral `now` (../execute.ts) into PG_NOW. */
class ServerQueryCompiler extends PostgresQueryCompiler {
  protected override visitRaw(node: RawNode): void {
    if (node.sqlFragments.length === 1 && node.sqlFragments[0] === SQLITE_NOW) this.append(PG_NOW);
    else super.visitRaw(node);
  }
}

const compiler = new ServerQueryCompiler();

/** The query builder for raw `sql` fragments compiled for PostgreSQL; it cannot execute them. */
export const pgQb = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new ServerQueryCompiler(),
  },
});

const RETURNING_ID = ReturningNode.create([SelectionNode.create(ReferenceNode.create(ColumnNode.create('id')))]);

/**
 * An insert into a table with an id returns it, so `run` can answer the new id as
 * better-sqlite3's lastInsertRowid does.
 */
function withReturnedId(node: RootOperationNode): RootOperationNode {
  if (!InsertQueryNode.is(node) || node.returning || !node.into) return node;
  const table = node.into.table.identifier.name as keyof typeof SCHEMA_COLUMNS;
  return SCHEMA_COLUMNS[table] && 'id' in SCHEMA_COLUMNS[table] ? InsertQueryNode.cloneWith(node, { returning: RETURNING_ID }) : node;
}

/** The query as PostgreSQL SQL and its values. */
export function compilePg(q: Query<unknown>): { sql: string; parameters: unknown[] } {
  if ('isRawBuilder' in q) {
    const c = q.compile(pgQb);
    return { sql: c.sql, parameters: [...c.parameters] };
  }
  // Every builder is an OperationNodeSource; what is not one is a compiled query.
  const given = 'toOperationNode' in q ? undefined : (q as CompiledQuery<unknown>);
  const node = given ? given.query : (q as unknown as { toOperationNode(): RootOperationNode }).toOperationNode();
  const c = compiler.compileQuery(withReturnedId(node), createQueryId());
  if (!given) return { sql: c.sql, parameters: [...c.parameters] };
  if (given.parameters.length !== c.parameters.length)
    throw new Error(`query recompiled for PostgreSQL has ${c.parameters.length} values where it had ${given.parameters.length}`);
  return { sql: c.sql, parameters: [...given.parameters] };
}

async function query<O>(db: PgDb, q: Query<O>): Promise<pg.QueryResult> {
  const { sql, parameters } = compilePg(q);
  return db.query(sql, parameters);
}

/** Every row of a query, in its order. */
export async function all<O>(db: PgDb, q: Query<O>): Promise<O[]> {
  return (await query(db, q)).rows as O[];
}

/** The first row, or undefined. */
export async function first<O>(db: PgDb, q: Query<O>): Promise<O | undefined> {
  return (await query(db, q)).rows[0] as O | undefined;
}

/** Runs a statement: how many rows it changed, and the id of the last inserted one (0 if none). */
export async function run(db: PgDb, q: Query<unknown>): Promise<{ changes: number; lastId: number }> {
  const r = await query(db, q);
  const last = r.rows.at(-1) as { id?: unknown } | undefined;
  return { changes: r.rowCount ?? 0, lastId: typeof last?.id === 'number' ? last.id : 0 };
}

/** How deep in transactions each connection is (1: BEGIN, 2+: savepoints). */
const depth = new WeakMap<pg.PoolClient, number>();
const broken = new WeakSet<pg.PoolClient>();

export interface TransactionOptions {
  /** One consistent snapshot for every statement, writes refused: for reading a whole project. */
  snapshot?: boolean;
}

/** Runs `fn` in one transaction (a savepoint inside another) on one connection: all its statements commit, or none. */
export async function transaction<T>(db: PgDb, fn: (tx: pg.PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  if (db instanceof pg.Pool) {
    const client = await db.connect();
    // A connection lost mid-transaction also emits 'error' on its client, which the pool only
    // listens to while the client is idle: unheard, it would end the process. The statement
    // under way fails with the same error, so it is not lost.
    const heard = () => {};
    client.on('error', heard);
    try {
      return await transaction(client, fn, options);
    } finally {
      client.off('error', heard);
      // A connection whose rollback failed may be unusable: the pool drops it.
      client.release(broken.has(client) ? new Error('rollback failed') : undefined);
    }
  }
  const client = db as pg.PoolClient;
  const level = depth.get(client) ?? 0;
  const savepoint = `quire_${level}`;
  const begin = options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
  await client.query(level === 0 ? begin : `SAVEPOINT ${savepoint}`);
  depth.set(client, level + 1);
  try {
    const result = await fn(client);
    await client.query(level === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
    return result;
  } catch (error) {
    await client.query(level === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => broken.add(client));
    throw error;
  } finally {
    if (level === 0) depth.delete(client);
    else depth.set(client, level);
  }
}

async function performStep(db: PgDb, s: Step): Promise<unknown> {
  if (s.kind === 'transaction') return transaction(db, (tx) => performPg(tx, s.body()));
  const q = s.query instanceof PerDialect ? s.query.pg : s.query;
  const answer = s.answer as (r: unknown) => unknown;
  if (s.kind === 'all') return answer(await all(db, q));
  if (s.kind === 'first') return answer(await first(db, q));
  return answer(await run(db, q));
}

/**
 * Runs a store-neutral operation (../ops.ts) on the server store. A program runs in one
 * transaction on one connection: on the desktop nothing interleaves with its statements
 * (they run synchronously), and here no other request's statements come between them either.
 */
export async function performPg<T>(db: PgDb, op: Op<T>): Promise<T> {
  if (!isProgram(op)) return (await performStep(db, op)) as T;
  if (db instanceof pg.Pool) return transaction(db, (tx) => performPg(tx, op));
  // Each statement in a savepoint: a failed one undoes only itself, as in SQLite, and the
  // program may catch its error and go on (PostgreSQL would refuse every later statement).
  return driveAsync(op, (s) => (s.kind === 'transaction' ? performStep(db, s) : transaction(db, (tx) => performStep(tx, s))));
}

/** A Runner (../ops.ts) on the server store. */
export const serverRunner =
  (db: PgDb): Runner =>
  (op) =>
    performPg(db, op);

/** A module's operations (../ops.ts) as functions of the server store: `await insertLine(store, …)`. */
export const onServer = <M extends Operations>(operations: M) => onStore<M, PgDb>(operations, performPg) as OnStore<M, PgDb, 'async'>;
