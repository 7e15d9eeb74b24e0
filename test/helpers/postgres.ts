// A real, throwaway PostgreSQL server for tests, from the Debian package (postgresql): one per
// test file, in a temporary folder, reachable only through a unix socket there (no TCP port,
// trust auth for local connections only), with durability turned off for speed. Each test
// takes a fresh database from it. initdb and postgres refuse to run as root, so under root
// they run as the `postgres` system user, which then owns the folder.
//
// Where the binaries are absent the tests that need a server are skipped, never failed:
// `postgresMissing` is the reason to pass as node:test's `skip`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';

function binDir(): string | undefined {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = fromConfig.status === 0 ? [fromConfig.stdout.trim()] : [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root))
    candidates.push(
      ...readdirSync(root)
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(root, v, 'bin')),
    );
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
}

const BIN = binDir();

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export const postgresMissing: string | undefined = BIN
  ? undefined
  : 'PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin or pg_config --bindir: apt-get install postgresql';

/** The uid and gid to run the server as: ours, or the postgres system user's under root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('running as root and there is no `postgres` user to run the test server as');
    return Number(r.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

/** A database's locale: the server's is C. */
export interface DatabaseLocale {
  /** LC_COLLATE and LC_CTYPE, e.g. C.UTF-8. */
  locale?: string;
  /** Collation by ICU for this language (e.g. 'en': punctuation ignored at first), LC_CTYPE C.UTF-8. */
  icu?: string;
}

export interface TestPostgres {
  /** A new, empty database on the server: its postgres:// URL. */
  createDatabase(o?: DatabaseLocale): Promise<string>;
  stop(): Promise<void>;
}

let databases = 0;

export async function startPostgres(): Promise<TestPostgres> {
  if (!BIN) throw new Error(postgresMissing);
  // A short path: the socket's full name must stay under the 107 bytes a unix socket allows.
  const dir = mkdtempSync(join(tmpdir().length > 40 ? '/tmp' : tmpdir(), 'quire-pg-'));
  const data = join(dir, 'data');
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  let server: ChildProcess | undefined;
  try {
    const init = spawnSync(
      join(BIN, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C'],
      { ...as, encoding: 'utf8' },
    );
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error}`);
    const settings = {
      listen_addresses: '',
      unix_socket_directories: dir,
      unix_socket_permissions: '0700',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
    };
    const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const started = spawn(join(BIN, 'postgres'), args, { ...as, stdio: ['ignore', 'ignore', 'pipe'] });
    server = started;
    // Should the test process end without its after() hook, the server still goes with it.
    process.once('exit', () => {
      started.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    });
    let log = '';
    started.stderr!.on('data', (d) => (log += String(d)));
    const admin = `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`;
    await waitUntilReady(admin, started, () => log);
    return {
      async createDatabase(o: DatabaseLocale = {}) {
        const name = `quire_test_${process.pid}_${++databases}`;
        const client = new pg.Client(admin);
        await client.connect();
        try {
          const collation = o.icu
            ? ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${o.icu}' LOCALE 'C.UTF-8'`
            : o.locale
              ? ` TEMPLATE template0 LC_COLLATE '${o.locale}' LC_CTYPE '${o.locale}'`
              : '';
          await client.query(`CREATE DATABASE ${name}${collation}`);
        } finally {
          await client.end();
        }
        return `postgres://postgres@localhost/${name}?host=${encodeURIComponent(dir)}`;
      },
      stop: () => stop(started, dir),
    };
  } catch (error) {
    await stop(server, dir);
    throw error;
  }
}

async function waitUntilReady(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited at start:\n${log()}`);
    const client = new pg.Client(url);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections in 30 s: ${(error as Error).message}\n${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Immediate shutdown (SIGQUIT: the data is thrown away anyway), then the folder goes. */
async function stop(server: ChildProcess | undefined, dir: string): Promise<void> {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGQUIT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * One server for the calling test file: started before its first test, stopped after its
 * last (also when a test failed). Returns a fresh database's URL per call. Nothing starts
 * where PostgreSQL is missing; the tests pass `{ skip: postgresMissing }`.
 */
export function postgresForThisFile(): (o?: DatabaseLocale) => Promise<string> {
  let server: TestPostgres | undefined;
  before(async () => {
    if (!postgresMissing) server = await startPostgres();
  });
  after(() => server?.stop());
  return (o) => {
    if (!server) throw new Error('the test server is not running');
    return server.createDatabase(o);
  };
}
