// Runs store-neutral operations (main/db/ops.ts) on both stores and compares: the desktop's
// SQLite (in memory) and a real PostgreSQL server store, each given the same calls. What
// only the clock decides (timestamps) is compared by its format.
import assert from 'node:assert/strict';
import { openDatabase, type Db } from '../../main/db/database.ts';
import { perform } from '../../main/db/execute.ts';
import type { Op } from '../../main/db/ops.ts';
import { performPg } from '../../main/db/pg/execute.ts';
import { openServerStore, type PgStore } from '../../main/db/pg/store.ts';

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The value with every timestamp as 'time', so two stores' rows compare. */
export function withoutTimes(value: unknown): unknown {
  if (typeof value === 'string') return STAMP.test(value) ? 'time' : value;
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value instanceof Set) return new Set([...value].map(withoutTimes));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutTimes(v)]));
  return value;
}

/**
 * Runs one thing on each store, asserts the same answer (or both refuse it), returns the
 * desktop's. `unordered`: the answer is a list in no defined order, compared sorted.
 */
export async function sameOnBoth<T>(
  what: string,
  desktop: () => T | Promise<T>,
  server: () => Promise<T>,
  o: { unordered?: boolean } = {},
): Promise<T> {
  const settle = async (f: () => T | Promise<T>) => {
    try {
      return { value: await f() };
    } catch (error) {
      return { error: error as Error };
    }
  };
  const d = await settle(desktop);
  const s = await settle(server);
  if ('error' in d || 'error' in s) {
    assert.ok(
      'error' in d && 'error' in s,
      `${what}: refused by one store only: ${'error' in d ? d.error : (s as { error: Error }).error}`,
    );
    throw d.error;
  }
  const comparable = (v: T) => {
    const w = withoutTimes(v);
    return o.unordered && Array.isArray(w) ? w.map((x) => JSON.stringify(x)).sort() : w;
  };
  assert.deepEqual(comparable(s.value), comparable(d.value), what);
  return d.value;
}

export interface BothStores {
  db: Db;
  store: PgStore;
  /** Runs the operation on both stores (sameOnBoth). */
  both<T>(what: string, op: () => Op<T>, o?: { unordered?: boolean }): Promise<T>;
  close(): Promise<void>;
}

export async function bothStores(url: string): Promise<BothStores> {
  const db = openDatabase(':memory:');
  const store = await openServerStore(url);
  return {
    db,
    store,
    both: (what, op, o) =>
      sameOnBoth(
        what,
        () => perform(db, op()),
        () => performPg(store, op()),
        o,
      ),
    async close() {
      db.close();
      await store.end();
    },
  };
}

/**
 * Calls operations by module and name on both stores (`both`), and remembers which were
 * called, so that a test can check it compared every operation of its modules. `unordered`:
 * 'module.name' of operations whose rows come in no defined order.
 */
export function moduleCaller<Modules extends Record<string, Record<string, (...args: never[]) => Op<unknown>>>>(
  s: BothStores,
  modules: Modules,
  unordered = new Set<string>(),
) {
  const called = new Set<string>();
  const call = <M extends keyof Modules & string, F extends keyof Modules[M] & string>(
    module: M,
    name: F,
    ...args: Modules[M][F] extends (...a: infer A) => unknown ? A : never
  ): Promise<Modules[M][F] extends (...a: never[]) => Op<infer T> ? T : never> => {
    called.add(`${module}.${name}`);
    const operation = modules[module][name] as unknown as (...a: unknown[]) => Op<never>;
    return s.both(`${module}.${name}(${JSON.stringify(args)})`, () => operation(...args), {
      unordered: unordered.has(`${module}.${name}`),
    });
  };
  /** The module operations not called yet. */
  const uncalled = () =>
    Object.entries(modules)
      .flatMap(([m, ops]) => Object.keys(ops).map((name) => `${m}.${name}`))
      .filter((name) => !called.has(name));
  return { call, called, uncalled };
}
