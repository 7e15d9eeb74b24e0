// A unix-socket proxy in front of the test PostgreSQL (test/helpers/postgres.ts) that can break
// the connection at a transaction's COMMIT, the moment whose outcome a client cannot know:
// - 'lose-answer': the COMMIT reaches the server and commits; its answer never comes back.
// - 'terminate': the server's backend is ended (pg_terminate_backend) before the COMMIT
//   reaches it, so the transaction rolls back.
// - 'blackout': every connection drops and new ones are refused, so nobody can ask.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export type CommitBreak = 'lose-answer' | 'terminate' | 'blackout';

export interface PgProxy {
  /** The database's URL through the proxy. */
  url: string;
  /** Breaks the next COMMIT of a transaction that inserted documents (a migrate's, not its schema check's), as `how` says. */
  breakNextCommit(how: CommitBreak): void;
  close(): Promise<void>;
}

const SOCKET = '.s.PGSQL.5432';
/** A simple-protocol query message holding COMMIT: 'Q', its length, the text, a NUL. */
const COMMIT = /Q[\s\S]{4}COMMIT\0/;
/** What a migrate's transaction sends (in its Parse messages) and the schema's does not. */
const COPYING = 'insert into "documents"';

export async function pgProxy(url: string): Promise<PgProxy> {
  const target = new URL(url);
  const real = join(target.searchParams.get('host')!, SOCKET);
  const dir = mkdtempSync('/tmp/quire-pgp-');
  const sockets = new Set<Socket>();
  let armed: CommitBreak | undefined;
  let refusing = false;

  /** Ends the backends waiting inside a transaction (the one whose COMMIT is held), and waits until they are gone. */
  async function terminate(): Promise<void> {
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      const waiting = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()",
      );
      for (const { pid } of waiting.rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      for (const { pid } of waiting.rows)
        while ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount)
          await new Promise((r) => setTimeout(r, 20));
    } finally {
      await admin.end();
    }
  }

  const server = createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = connect(real);
    sockets.add(client).add(upstream);
    let losing = false;
    let copying = false;
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) s.on('close', end).on('error', end);
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      copying ||= text.includes(COPYING);
      const how = armed && copying && COMMIT.test(text) ? armed : undefined;
      if (!how) return void upstream.write(chunk);
      armed = undefined;
      if (how === 'lose-answer') {
        losing = true;
        upstream.write(chunk);
      } else if (how === 'terminate') void terminate().finally(end);
      else {
        refusing = true;
        for (const s of sockets) s.destroy();
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      // The server's answer to the COMMIT (CommandComplete "COMMIT"): the commit is done; drop it.
      if (losing) return void (chunk.includes('COMMIT\0') && end());
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(join(dir, SOCKET), resolve));
  target.searchParams.set('host', dir);
  return {
    url: target.toString(),
    breakNextCommit: (how) => (armed = how),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
