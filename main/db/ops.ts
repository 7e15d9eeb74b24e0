// Store-neutral operations: what an entity module's function does to the database, written
// once and run by either store (README.md, "One module for both stores"). An operation is
//
// - a statement: one query and what to answer from its rows (`all`, `first`, `run`, `map`);
// - a program: a generator that yields statements (or other operations, with `yield* step(…)`)
//   and computes between them, for work of several statements with logic in between;
// - a transaction around a program (`transaction`).
//
// Nothing here touches a database. execute.ts's `perform` runs an operation on the desktop's
// better-sqlite3 connection synchronously, as the modules always ran; pg/execute.ts's
// `performPg` runs it on the server store with promises, a program in one transaction on one
// connection. `onDesktop` and `onServer` turn a module's operations into functions of a store.
import type { CompiledQuery, Compilable, RawBuilder } from 'kysely';

/** A built query, a compiled one, or raw SQL from the `sql` tag. */
export type Query<O> = Compilable<O> | CompiledQuery<O> | RawBuilder<O>;

/** The answer of a statement that returns no rows. */
export interface RunResult {
  changes: number;
  lastId: number;
}

/** Two queries for what one dialect cannot say as the other does (FTS5 against tsvector). */
export class PerDialect<O = unknown> {
  constructor(
    readonly sqlite: Query<O>,
    readonly pg: Query<O>,
  ) {}
}

export interface Statement<T> {
  readonly kind: 'all' | 'first' | 'run';
  readonly query: Query<unknown> | PerDialect;
  /**
   * What the operation answers, from the rows (all), the row (first) or the RunResult (run).
   * Not named `then`: an object with a `then` is a thenable, which `await` would call.
   */
  readonly answer: (result: never) => T;
}

export interface Transaction<T> {
  readonly kind: 'transaction';
  readonly body: () => Program<T>;
}

/** What a program yields: a statement or a transaction, whose answer it is given back. */
export type Step = Statement<unknown> | Transaction<unknown>;
export type Program<T> = Generator<Step, T, unknown>;
export type Op<T> = Statement<T> | Transaction<T> | Program<T>;

const same = <T>(x: T) => x;

/** Every row of a query, in its order. */
export const all = <O>(q: Query<O> | PerDialect<O>): Statement<O[]> => ({ kind: 'all', query: q, answer: same as (r: never) => O[] });

/** The first row, or undefined. */
export const first = <O>(q: Query<O> | PerDialect<O>): Statement<O | undefined> => ({
  kind: 'first',
  query: q,
  answer: same as (r: never) => O | undefined,
});

/** A statement that returns no rows: how many rows it changed and the id of the last inserted one. */
export const run = (q: Query<unknown>): Statement<RunResult> => ({ kind: 'run', query: q, answer: same as (r: never) => RunResult });

/** The statement, answering `f` of its answer. */
export const map = <A, B>(s: Statement<A>, f: (a: A) => B): Statement<B> => ({
  kind: s.kind,
  query: s.query,
  // A plain statement's answer is its result: no second call per row in a hot loop.
  answer: s.answer === same ? (f as (r: never) => B) : (r: never) => f(s.answer(r)),
});

// Answers shared by the modules, made once rather than as a new closure per call.
/** The id of the row a `run` inserted. */
export const lastId = (r: RunResult): number => r.lastId;
/** Whether a `run` changed any row. */
export const changed = (r: RunResult): boolean => r.changes > 0;
/** Whether a `first` found a row. */
export const found = (r: unknown): boolean => r !== undefined;

/** The statement, answering nothing (a write whose counts no one needs). */
export const none = (s: Statement<unknown>): Statement<void> => map(s, () => undefined);

/** Runs `body` in one transaction (a savepoint inside another): all its statements commit, or none. */
export const transaction = <T>(body: () => Program<T>): Transaction<T> => ({ kind: 'transaction', body });

export const isProgram = <T>(op: Op<T>): op is Program<T> => (op as Partial<Statement<T>>).kind === undefined;

/** Inside a program: runs `op` and gives its answer (`const row = yield* step(first(q))`), typed. */
export function* step<T>(op: Op<T>): Program<T> {
  if (isProgram(op)) return yield* op;
  return (yield op as Step) as T;
}

/**
 * Drives a program: each step's answer (or error, thrown into the program where it can be
 * caught) comes from `perform`. The sync and async runners share it through their own `perform`.
 */
export function drive<T>(program: Program<T>, perform: (s: Step) => unknown): T {
  let r = program.next();
  while (!r.done) {
    let answer: unknown;
    try {
      answer = perform(r.value);
    } catch (error) {
      r = program.throw(error);
      continue;
    }
    r = program.next(answer);
  }
  return r.value;
}

/** Drives a program whose steps answer promises. */
export async function driveAsync<T>(program: Program<T>, perform: (s: Step) => Promise<unknown>): Promise<T> {
  let r = program.next();
  while (!r.done) {
    let answer: unknown;
    try {
      answer = await perform(r.value);
    } catch (error) {
      r = program.throw(error);
      continue;
    }
    r = program.next(answer);
  }
  return r.value;
}

/** Runs operations on one store and answers promises: either store, for code that serves both. */
export type Runner = <T>(op: Op<T>) => Promise<T>;

/** A module's operations: functions of their arguments answering an operation. */
// `any` arguments: a module's functions take their own; the mapped types below keep each one's.
export type Operations = Record<string, (...args: any[]) => Op<unknown>>;
/** What an operation (a function answering an Op) answers. */
export type Answer<F> = F extends (...args: never[]) => Op<infer T> ? T : never;

export type OnStore<M extends Operations, S, Wrap extends 'sync' | 'async'> = {
  [K in keyof M]: (db: S, ...args: Parameters<M[K]>) => Wrap extends 'sync' ? Answer<M[K]> : Promise<Answer<M[K]>>;
};

/** The module's operations as functions of a store, run by `perform` (execute.ts's or pg/execute.ts's). */
export function onStore<M extends Operations, S>(operations: M, perform: (db: S, op: Op<unknown>) => unknown): Record<keyof M, unknown> {
  return Object.fromEntries(
    Object.entries(operations).map(([name, operation]) => [name, (db: S, ...args: unknown[]) => perform(db, operation(...args))]),
  ) as Record<keyof M, unknown>;
}
