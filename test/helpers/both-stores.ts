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

export interface BothStores {
  db: Db;
  store: PgStore;
  /**
   * Runs the operation on both stores, asserts the same answer (or both refuse it), returns the
   * desktop's. `unordered`: the answer is a list in no defined order, compared sorted.
   */
  both<T>(what: string, op: () => Op<T>, o?: { unordered?: boolean }): Promise<T>;
  close(): Promise<void>;
}

export async function bothStores(url: string): Promise<BothStores> {
  const db = openDatabase(':memory:');
  const store = await openServerStore(url);
  return {
    db,
    store,
    async both<T>(what: string, op: () => Op<T>, o: { unordered?: boolean } = {}): Promise<T> {
      let desktop: { value: T } | { error: Error };
      try {
        desktop = { value: perform(db, op()) };
      } catch (error) {
        desktop = { error: error as Error };
      }
      const server = await performPg(store, op()).then(
        (value) => ({ value }),
        (error: Error) => ({ error }),
      );
      if ('error' in desktop || 'error' in server) {
        assert.ok(
          'error' in desktop && 'error' in server,
          `${what}: refused by one store only: ${'error' in desktop ? desktop.error : (server as { error: Error }).error}`,
        );
        throw desktop.error;
      }
      const comparable = (v: T) => {
        const w = withoutTimes(v);
        return o.unordered && Array.isArray(w) ? w.map((x) => JSON.stringify(x)).sort() : w;
      };
      assert.deepEqual(comparable(server.value), comparable(desktop.value), what);
      return desktop.value;
    },
    async close() {
      db.close();
      await store.end();
    },
  };
}
