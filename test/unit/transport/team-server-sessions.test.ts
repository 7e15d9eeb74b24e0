// A team server's sessions hold where requests come at once or outlive them: log-ins sent
// together get no more guesses than the limit, and an event socket closes once the session
// that opened it has ended (it carries every saved line's text).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import { addUser, setDisabled } from '../../../main/accounts/accounts.ts';
import { Sessions } from '../../../main/accounts/sessions.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { Project } from '../../../main/project/project.ts';
import type { Dispatcher } from '../../../main/api/dispatch.ts';
import type { ImageStore } from '../../../main/store/image-store.ts';
import { startBrowserServer, type BrowserServer } from '../../../main/transport/http-server.ts';
import { SessionGate } from '../../../main/transport/session-gate.ts';
import { tempDir } from '../../helpers/project.ts';

let project: Project;
let server: BrowserServer;
let base: string;

before(async () => {
  project = Project.init(join(tempDir(), 'p'));
  await addUser(project.db, 'ada', 'admin', 'ada-password');
  await addUser(project.db, 'tom', 'transcriber', 'tom-password');
  await addUser(project.db, 'tim', 'transcriber', 'tim-password');
  const run = desktopRunner(() => project.db);
  const gate = new SessionGate({ run, sessions: new Sessions(run), host: '127.0.0.1', maxFailuresPerUser: 3, sessionSeconds: 3600 });
  const api = { call: async () => ({ ok: true, value: {} }) } as unknown as Dispatcher;
  server = await startBrowserServer({ api, images: () => ({}) as ImageStore, staticDir: tempDir(), gate, socketRecheckMs: 50 });
  base = `http://127.0.0.1:${server.port}`;
});
after(async () => {
  await server.close();
  project.close();
});

const logIn = (name: string, password: string) =>
  fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });

async function session(name: string): Promise<string> {
  const res = await logIn(name, `${name}-password`);
  assert.equal(res.status, 200);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/** An event socket opened with this cookie, and a promise of its close code. */
async function socket(cookie: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: { cookie } });
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
  return { ws, closed: new Promise((ok) => ws.once('close', (code) => ok(code))) };
}

const soon = <T>(p: Promise<T>, ms = 2000) => Promise.race([p, new Promise<'still open'>((ok) => setTimeout(() => ok('still open'), ms))]);

test('wrong passwords sent at once get no more than the limit of guesses: the rest wait (429)', async () => {
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => logIn('tim', `wrong-guess-${i}`)));
  const statuses = answers.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 401).length, 3, `statuses: ${statuses.join(' ')}`);
  assert.equal(statuses.filter((s) => s === 429).length, 9);
});

test('an event socket closes once its session is ended by log-out', async () => {
  const cookie = await session('tom');
  const { closed } = await socket(cookie);
  const out = await fetch(`${base}/auth/logout`, { method: 'POST', headers: { cookie } });
  assert.equal(out.status, 200);
  assert.equal(await soon(closed), 1008);
});

test('an event socket closes once its account is disabled; another account’s stays open', async () => {
  const tom = await socket(await session('tom'));
  const ada = await socket(await session('ada'));
  setDisabled(project.db, 'tom', true);
  assert.equal(await soon(tom.closed), 1008);
  assert.equal(await soon(ada.closed, 300), 'still open');
  ada.ws.close();
});
