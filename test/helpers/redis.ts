// A real, throwaway Redis server for the tests of distributed jobs: Debian's redis-server
// on a free port, in a temp dir, with no persistence (no RDB snapshots, no AOF), stopped
// when the test file ends, also when a test failed; with a password or TLS when asked. Where
// redis-server is not installed the tests that need it are skipped with `redisSkip` as the
// reason, never failed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, connect } from 'node:net';
import { after } from 'node:test';
import { tempDir } from './project.ts';

const REDIS_SERVER = process.env.QUIRE_REDIS_SERVER ?? '/usr/bin/redis-server';

/** False where Redis can run here; otherwise why the tests needing it are skipped. */
export const redisSkip: string | false =
  existsSync(REDIS_SERVER) && spawnSync(REDIS_SERVER, ['--version']).status === 0
    ? false
    : `needs redis-server (${REDIS_SERVER} is missing): apt-get install redis-server`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port accepts connections, or rejects with the server's output. */
async function listening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on port ${port} within 10 s: ${output()}`);
}

/**
 * False where a TLS server can be tested here (redis-server built with TLS, as Debian's is,
 * and the openssl command to make its certificates); otherwise why not.
 */
export const redisTlsSkip: string | false = (() => {
  if (redisSkip) return redisSkip;
  if (spawnSync('openssl', ['version']).status !== 0) return 'needs the openssl command to make test certificates';
  const probe = spawnSync(REDIS_SERVER, ['--port', '0', '--tls-port', '1', '--tls-cert-file', '/nonexistent', '--save', ''], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return /Failed to configure TLS|tls-cert-file/i.test(`${probe.stdout}${probe.stderr}`) && !/Bad directive/i.test(probe.stdout)
    ? false
    : `${REDIS_SERVER} was built without TLS`;
})();

export interface RedisServer {
  url: string;
  /** With `tls`: the PEM certificate of the CA that signed the server's (for --redis-ca). */
  caFile?: string;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** Clients must give it (redis-server --requirepass); the URL returned holds none. */
  password?: string;
  /** TLS only (no plain port), its certificate for 127.0.0.1 signed by a CA made for it; the URL is rediss://. */
  tls?: boolean;
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

/** A CA and a certificate for 127.0.0.1 and localhost signed by it, in `dir`: the server's TLS options. */
function makeCertificates(dir: string): { args: string[]; caFile: string } {
  const [caKey, caFile, key, csr, cert, ext] = ['ca.key', 'ca.pem', 'server.key', 'server.csr', 'server.pem', 'san.ext'].map((f) =>
    join(dir, f),
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('openssl', ['req', '-x509', ...ec, '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=quire test CA']);
  run('openssl', ['req', ...ec, '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  // Clients show no certificate of their own: the password is what lets them in.
  return { args: ['--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', caFile, '--tls-auth-clients', 'no'], caFile };
}

/** Starts a server; the caller stops it (benchmarks). Tests use startRedis. */
export async function launchRedis(o: RedisOptions = {}): Promise<RedisServer> {
  const dir = tempDir('quire-redis-');
  const port = await freePort();
  const tls = o.tls ? makeCertificates(dir) : undefined;
  const ports = tls ? ['--port', '0', '--tls-port', String(port), ...tls.args] : ['--port', String(port)];
  // Every option on the command line: no config file, no persistence, only loopback.
  const child = spawn(
    REDIS_SERVER,
    [
      ...ports,
      ...(o.password ? ['--requirepass', o.password] : []),
      ...['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listening(port, child, () => out.slice(-2000));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`, caFile: tls?.caFile, stop };
}

/**
 * Starts a server for this test file, stopped by an `after` hook (also when a test failed).
 * Call it at a test file's top level: an `after` registered inside a hook or test runs when
 * that one ends.
 */
export async function startRedis(o: RedisOptions = {}): Promise<RedisServer> {
  const server = await launchRedis(o);
  after(() => server.stop());
  return server;
}
