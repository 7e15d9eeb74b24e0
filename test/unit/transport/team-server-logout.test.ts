// Log-out always drops the cookie: a browser whose session has expired, was ended elsewhere
// or is unknown still holds `quire-session`, and only log-out's answer removes it. The
// expiring cookie carries the attributes it was set with (Secure included, when told).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addUser } from '../../../main/accounts/accounts.ts';
import { Sessions } from '../../../main/accounts/sessions.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { Project } from '../../../main/project/project.ts';
import type { Dispatcher } from '../../../main/api/dispatch.ts';
import type { ImageStore } from '../../../main/store/image-store.ts';
import { startBrowserServer, type BrowserServer } from '../../../main/transport/http-server.ts';
import { SessionGate } from '../../../main/transport/session-gate.ts';
import { tempDir } from '../../helpers/project.ts';

const HOUR = 3_600_000;
const EXPIRED = 'quire-session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure';

let project: Project;
let server: BrowserServer;
let base: string;
let now = Date.now();

before(async () => {
  project = Project.init(join(tempDir(), 'p'));
  await addUser(project.db, 'tom', 'transcriber', 'tom-password');
  const run = desktopRunner(() => project.db);
  const sessions = new Sessions(run, HOUR, () => now);
  const gate = new SessionGate({ run, sessions, host: '127.0.0.1', secureCookies: true, sessionSeconds: 3600 });
  const api = { call: async () => ({ ok: true, value: {} }) } as unknown as Dispatcher;
  server = await startBrowserServer({ api, images: () => ({}) as ImageStore, staticDir: tempDir(), gate });
  base = `http://127.0.0.1:${server.port}`;
});
after(async () => {
  await server.close();
  project.close();
});

async function session(): Promise<string> {
  const res = await fetch(`${base}/auth/login`, { method: 'POST', body: JSON.stringify({ name: 'tom', password: 'tom-password' }) });
  assert.equal(res.status, 200);
  return res.headers.get('set-cookie')!.split(';')[0];
}

const logOut = (headers: Record<string, string>) => fetch(`${base}/auth/logout`, { method: 'POST', headers });

async function assertDropped(res: Response, what: string): Promise<void> {
  assert.equal(res.status, 200, what);
  assert.equal(res.headers.get('set-cookie'), EXPIRED, what);
}

test('log-out of a live session ends it and expires the cookie', async () => {
  const cookie = await session();
  await assertDropped(await logOut({ cookie }), 'live');
  assert.equal((await fetch(`${base}/auth/session`, { headers: { cookie } })).status, 401);
});

test('log-out of an expired session still expires the cookie', async () => {
  const cookie = await session();
  now += 2 * HOUR;
  try {
    assert.equal((await fetch(`${base}/auth/session`, { headers: { cookie } })).status, 401, 'the session has expired');
    await assertDropped(await logOut({ cookie }), 'expired');
  } finally {
    now -= 2 * HOUR;
  }
});

test('log-out of a session already ended, of an unknown one, or with no cookie expires the cookie', async () => {
  const cookie = await session();
  await logOut({ cookie });
  await assertDropped(await logOut({ cookie }), 'ended');
  await assertDropped(await logOut({ cookie: 'quire-session=forged' }), 'unknown');
  await assertDropped(await logOut({}), 'none');
});

test('log-out from another site’s page is still refused', async () => {
  const cookie = await session();
  const res = await logOut({ cookie, origin: 'http://evil.example' });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('set-cookie'), null);
  assert.equal((await fetch(`${base}/auth/session`, { headers: { cookie } })).status, 200, 'the session stands');
});
