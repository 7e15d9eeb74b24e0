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
