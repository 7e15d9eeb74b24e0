// Whether a transaction committed, asked after its COMMIT got no answer. A connection that
// drops while COMMIT is on its way leaves the outcome unknown to the client: the server may
// have committed before it noticed, or never received the COMMIT and rolled back. PostgreSQL
// keeps the outcome of recent transactions by id (txid_status, made for this case), so a new
// connection can ask, once the server has finished with the old one.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PgStore } from './store.ts';

export type CommitOutcome = { status: 'committed' } | { status: 'aborted' } | { status: 'unknown'; why: string };

/** The id of the transaction `tx` is in (assigned now if it had none), to ask about it later. */
export async function currentTransactionId(tx: { query: PgStore['query'] }): Promise<string> {
  const r = await tx.query<{ xid: string }>('SELECT txid_current()::text AS xid');
  return r.rows[0].xid;
}

const POLL_MS = 250;

/**
 * Asks the server, on a new connection, what became of transaction `xid`, for up to `waitMs`:
 * while the server is unreachable or still holds the transaction open (it has not yet seen
 * its connection go), it asks again.
 */
export async function commitOutcome(store: PgStore, xid: string, waitMs: number): Promise<CommitOutcome> {
  const deadline = Date.now() + waitMs;
  let why = 'no answer';
  for (;;) {
    try {
      const asked = store.query<{ status: string | null }>('SELECT txid_status($1::bigint) AS status', [xid]);
      const late = sleep(Math.max(POLL_MS, deadline - Date.now()), undefined, { ref: false }).then(() => {
        throw new Error(`no answer from the server within ${waitMs / 1000} s`);
      });
      const status = (await Promise.race([asked, late])).rows[0].status;
      if (status === 'committed') return { status };
      if (status === 'aborted') return { status };
      if (status === null) return { status: 'unknown', why: `the server no longer knows transaction ${xid}` };
      why = `the server still holds transaction ${xid} open`;
    } catch (error) {
      why = (error as Error).message;
    }
    if (Date.now() >= deadline) return { status: 'unknown', why };
    await sleep(POLL_MS);
  }
}
