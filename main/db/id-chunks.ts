// Queries over a list of ids that may be long: SQLite takes at most 32,766 values in one
// statement (PostgreSQL 65,535), and a job's lines can number more.
import { step, type Program, type Statement } from './ops.ts';

/** Ids per statement: far below either limit, with room for a query's other values. */
export const IDS_PER_QUERY = 10_000;

/** A program running `query` on consecutive slices of `ids`, its rows concatenated in order. */
export function* inChunks<T>(ids: readonly number[], query: (slice: number[]) => Statement<T[]>): Program<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) out.push(...(yield* step(query(ids.slice(i, i + IDS_PER_QUERY)))));
  return out;
}
