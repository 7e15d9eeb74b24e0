// A team server's client in tests: signing in as an account whose password is NAME-password,
// and calling the API with its session cookie.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { QuireEvent } from '../../shared/api.ts';

/** Signs `name` in at `base` (http://host:port); answers the session cookie. */
export async function signIn(base: string, name: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `${name}-password` }),
  });
  assert.equal(res.status, 200, `${name} signs in`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/** An API call with the session `cookie` (none: unsigned), its status and answer. */
export async function apiCall(base: string, method: string, body: unknown, cookie?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** The job events a window of the server on `port` hears, and a wait for the one that ends a job. */
export function windowEvents(
  port: number,
  cookie: string,
): Promise<{ events: QuireEvent[]; ended(jobId: number): Promise<QuireEvent>; close(): void }> {
  return new Promise((ok, fail) => {
    const events: QuireEvent[] = [];
    const waiting: Array<() => void> = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, { headers: { cookie } });
    ws.on('message', (m) => {
      const e = JSON.parse(String(m)) as QuireEvent;
      if (e.type === 'job-changed' || e.type === 'job-progress') events.push(e);
      for (const w of [...waiting]) w();
    });
    const ended = (jobId: number) =>
      new Promise<QuireEvent>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`job ${jobId} did not end in 120 s: ${JSON.stringify(events.slice(-5))}`)),
          120_000,
        );
        const check = () => {
          const end = events.find(
            (e) => e.type === 'job-changed' && e.jobId === jobId && ['done', 'failed', 'cancelled'].includes(e.state),
          );
          if (!end) return;
          clearTimeout(timer);
          waiting.splice(waiting.indexOf(check), 1);
          resolve(end);
        };
        waiting.push(check);
        check();
      });
    ws.on('open', () => ok({ events, ended, close: () => ws.close() }));
    ws.on('error', fail);
  });
}
