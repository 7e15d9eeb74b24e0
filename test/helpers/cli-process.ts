// The compiled `quire` command as a running process the test talks to: its output collected,
// waited on for a line, and every process still running stopped at the end (a worker runs
// until it is stopped).
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli.ts';

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in the output so far or to come. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** `quire ARGS…`, with `env` added to this process's environment. */
export function quireProcess(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d;
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms in:\n${out.slice(-3000)}`)), timeoutMs);
      const check = () => {
        const m = out.match(pattern);
        if (!m) return;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(m);
      };
      waiters.push(check);
      check();
    });
  return { child, output: () => out, waitFor, exited };
}

/** SIGTERM (a worker finishes its part), then SIGKILL for one that has not exited 10 s later. */
export async function stopAll(): Promise<void> {
  for (const child of running) {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }
}
