// A real, throwaway Redis server for the tests of distributed jobs: Debian's redis-server
// on a free port, in a temp dir, with no persistence (no RDB snapshots, no AOF), stopped
// when the test file ends, also when a test failed. Where redis-server is not installed the
// tests that need it are skipped with `redisSkip` as the reason, never failed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
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

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts a server; the caller stops it (benchmarks). Tests use startRedis. */
export async function launchRedis(): Promise<RedisServer> {
  const dir = tempDir('quire-redis-');
  const port = await freePort();
  // Every option on the command line: no config file, no persistence, only loopback.
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
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
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/**
 * Starts a server for this test file, stopped by an `after` hook (also when a test failed).
 * Call it at a test file's top level: an `after` registered inside a hook or test runs when
 * that one ends.
 */
export async function startRedis(): Promise<RedisServer> {
  const server = await launchRedis();
  after(() => server.stop());
  return server;
}
