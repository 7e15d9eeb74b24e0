// `quire serve`: log-in instead of the per-launch token, sessions, roles over HTTP, and two
// accounts editing one line at once (issue #21).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import WebSocket from 'ws';
import { addUser } from '../../../main/accounts/accounts.ts';
import { serveTeam } from '../../../main/app/team-server.ts';
import { Project } from '../../../main/project/project.ts';
import { editPage } from '../../helpers/edit-page.ts';
import { newProject } from '../../helpers/project.ts';

let app: Awaited<ReturnType<typeof serveTeam>>;
let base: string;
let dir: string;
let lineId: number;
let image: string;

before(async () => {
  const { project, add, api, pageId } = await editPage();
  dir = project.root;
  lineId = await add(100);
  image = (await api.getPage({ pageId })).page.image;
  await addUser(project.db, 'ada', 'admin', 'ada-password');
  await addUser(project.db, 'rita', 'reviewer', 'rita-password');
  await addUser(project.db, 'tom', 'transcriber', 'tom-password');
  await addUser(project.db, 'tia', 'transcriber', 'tia-password');
  await addUser(project.db, 'tim', 'transcriber', 'tim-password');
  project.close();
  app = await serveTeam(dir, { port: 0, sessionHours: 1, maxFailuresPerUser: 3 });
  base = `http://127.0.0.1:${app.server.port}`;
});
after(() => app.close());

async function logIn(name: string, password = `${name}-password`, origin = base): Promise<Response> {
  return fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ name, password }),
  });
}

/** A signed-in account's cookie header. */
async function session(name: string): Promise<string> {
  const res = await logIn(name);
  assert.equal(res.status, 200, `${name} signs in`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/** The status of a request sent with this Host header (fetch sets Host itself: node:http does not). */
function statusAs(url: string, host: string, method = 'GET', headers: Record<string, string> = {}): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(url, { method, headers: { ...headers, host } }, (res) => {
      res.resume();
      ok(res.statusCode!);
    });
    req.on('error', fail);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

const call = (method: string, body: unknown, cookie?: string) =>
  fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

test('refuses to start on a project with no admin, naming the command that makes one', async () => {
  const project = newProject();
  project.close();
  await assert.rejects(serveTeam(project.root, { port: 0 }), (e: Error) => {
    assert.equal(e.name, 'NoAdminError');
    assert.ok(e.message.includes(`quire user add ${project.root} NAME --role admin`), e.message);
    return true;
  });
});

test('on every interface it needs the public name, which requests must then use', async () => {
  await assert.rejects(serveTeam(dir, { host: '0.0.0.0', port: 0 }), /name the address browsers use with --public-host NAME\[:PORT\]/);
  const named = await serveTeam(dir, { port: 0, publicHosts: ['quire.example.org'], secureCookies: true });
  try {
    assert.equal(named.server.url, 'https://quire.example.org/');
    const status = (host: string) => statusAs(`http://127.0.0.1:${named.server.port}/auth/session`, host);
    assert.equal(await status('quire.example.org'), 401, 'its public name passes the Host check (then wants a session)');
    assert.equal(await status('evil.example'), 403);
  } finally {
    await named.close();
  }
});

test('log-in sets an HttpOnly, SameSite=Strict session cookie on Path=/ (Secure only over TLS or when told); no token is printed', async () => {
  assert.equal(app.server.url, `${base}/`);
  assert.equal(app.server.token, '');
  const res = await logIn('tom');
  assert.deepEqual(await res.json(), { name: 'tom', role: 'transcriber' });
  const cookie = res.headers.get('set-cookie')!;
  assert.match(cookie, /^quire-session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600$/);

  const secure = await serveTeam(dir, { port: 0, secureCookies: true });
  try {
    const port = secure.server.port;
    const res = await fetch(`http://127.0.0.1:${port}/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ name: 'tom', password: 'tom-password' }),
    });
    assert.match(res.headers.get('set-cookie')!, /; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200; Secure$/);
  } finally {
    await secure.close();
  }
});

test('without a session the API, uploads, images and the event socket answer 401; the page and log-in do not', async () => {
  const api = await call('projectInfo', {});
  assert.equal(api.status, 401);
  assert.equal((await api.json()).code, 'unauthorized');
  assert.equal((await call('projectInfo', {}, 'quire-session=forged')).status, 401);
  assert.equal((await fetch(`${base}/upload?name=a.png`, { method: 'POST', body: 'x' })).status, 401);
  assert.equal((await fetch(`${base}/images/${image}/thumb`)).status, 401);
  assert.equal((await fetch(`${base}/auth/session`)).status, 401);
  assert.equal((await fetch(`${base}/`)).status, 200, 'the page, to show the log-in form');
  const refused = await new Promise<string>((ok) => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.server.port}/events`);
    ws.on('open', () => ok('open'));
    ws.on('error', (e) => ok(e.message));
  });
  assert.match(refused, /401/);

  const cookie = await session('tom');
  assert.equal((await call('projectInfo', {}, cookie)).status, 200);
  assert.equal((await fetch(`${base}/images/${image}/thumb`, { headers: { cookie } })).status, 200);
  const opened = await new Promise<string>((ok) => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.server.port}/events`, { headers: { cookie } });
    ws.on('open', () => (ws.close(), ok('open')));
    ws.on('error', (e) => ok(e.message));
  });
  assert.equal(opened, 'open');
});

test('Host and Origin are still checked: another site cannot log in or call with the cookie', async () => {
  assert.equal((await logIn('tom', 'tom-password', 'http://evil.example')).status, 403);
  const cookie = await session('tom');
  assert.equal(await statusAs(`${base}/api/projectInfo`, 'evil.example', 'POST', { cookie }), 403);
});

test('a wrong password is refused with 401, and past the limit even the right one waits (429)', async () => {
  const wrong = await logIn('tim', 'not-his-password');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('set-cookie'), null);
  assert.equal((await wrong.json()).code, 'unauthorized');
  assert.equal((await logIn('nobody', 'whatever-pw')).status, 401);
  await logIn('tim', 'still-wrong');
  await logIn('tim', 'wrong-again');
  const limited = await logIn('tim');
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  assert.match((await limited.json()).message, /too many failed log-ins/);
  assert.equal((await logIn('tom')).status, 200, 'another user is not held back by tim’s failures');
});

test('log-out ends the session: the same cookie is refused afterwards', async () => {
  const cookie = await session('rita');
  assert.deepEqual(await (await fetch(`${base}/auth/session`, { headers: { cookie } })).json(), { name: 'rita', role: 'reviewer' });
  const out = await fetch(`${base}/auth/logout`, { method: 'POST', headers: { cookie } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie')!, /^quire-session=; .*Max-Age=0/);
  assert.equal((await call('projectInfo', {}, cookie)).status, 401);
});

test('an expired session is refused', async () => {
  const short = await serveTeam(dir, { port: 0, sessionHours: 0.3 / 3600 });
  try {
    const url = `http://127.0.0.1:${short.server.port}`;
    const res = await fetch(`${url}/auth/login`, { method: 'POST', body: JSON.stringify({ name: 'tom', password: 'tom-password' }) });
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const info = () => fetch(`${url}/api/projectInfo`, { method: 'POST', headers: { cookie }, body: '{}' });
    assert.equal((await info()).status, 200);
    await new Promise((ok) => setTimeout(ok, 400));
    assert.equal((await info()).status, 401);
  } finally {
    await short.close();
  }
});

test('roles: a transcriber is refused admin and reviewer methods and routes with 403 and the code forbidden', async () => {
  const tom = await session('tom');
  const refused = await call('deleteModel', { modelId: 1 }, tom);
  assert.equal(refused.status, 403);
  assert.deepEqual(await refused.json(), {
    code: 'forbidden',
    name: 'Forbidden',
    message: 'deleteModel needs the admin role (you are a transcriber)',
  });
  assert.equal((await call('startTranscription', { modelId: 1 }, tom)).status, 403);
  assert.equal((await fetch(`${base}/upload?name=a.png`, { method: 'POST', headers: { cookie: tom }, body: 'x' })).status, 403);
  const byPath = await call('importFiles', { paths: ['/etc/passwd'] }, await session('ada'));
  assert.equal(byPath.status, 403, 'not even an admin reads the server’s own files by path');
  assert.match((await byPath.json()).message, /desktop app and the quire command only/);
  assert.equal((await call('getPage', { pageId: 1 }, tom)).status, 200, 'a transcriber reads');
  // A reviewer passes the role check (the model does not exist: 500 from the method itself, not 403).
  assert.notEqual((await call('startTranscription', { modelId: 999 }, await session('rita'))).status, 403);
});

test('two users saving one line at once: both saves are in its history with their authors, the newer is current', async () => {
  const [tom, tia] = [await session('tom'), await session('tia')];
  const saves = await Promise.all([
    call('saveTranscription', { lineId, text: 'Item for bread', author: 'someone else' }, tom),
    call('saveTranscription', { lineId, text: 'Item fur bread' }, tia),
  ]);
  assert.deepEqual(
    saves.map((r) => r.status),
    [200, 200],
  );
  const rows = (await Promise.all(saves.map((r) => r.json()))) as Array<{ id: number; author: string; text: string }>;
  assert.deepEqual(rows.map((r) => r.author).sort(), ['tia', 'tom'], 'the account is the author, whatever the request says');
  const history = (await (await call('lineHistory', { lineId }, tom)).json()) as Array<{ id: number; author: string; text: string }>;
  const newer = rows.reduce((a, b) => (a.id > b.id ? a : b));
  assert.deepEqual(history.map((h) => [h.author, h.text]).sort(), [
    ['tia', 'Item fur bread'],
    ['tom', 'Item for bread'],
  ]);
  const page = await (await call('getPage', { pageId: 1 }, tom)).json();
  const line = page.lines.find((l: { id: number }) => l.id === lineId);
  assert.deepEqual([line.text, line.author], [newer.text, newer.author], 'the newer save is the line’s text');
});

test('undo is each account’s own on a project folder too: one account’s undo never takes back another’s edit', async () => {
  const [rita, tia] = [await session('rita'), await session('tia')];
  const state = async (cookie: string) => (await call('undoState', {}, cookie)).json();
  const drawn = (await (await call('addLine', { pageId: 1, polygon: rectangle(100, 300, 600, 40), baseline: null }, rita)).json()) as {
    lineId: number;
  };
  assert.equal((await call('saveTranscription', { lineId: drawn.lineId, text: 'for the mill' }, tia)).status, 200);
  assert.deepEqual(await state(rita), { undo: 'drawn line', redo: null });
  assert.deepEqual(await state(tia), { undo: 'text of line 2', redo: null });
  // Tia takes back her text; rita's drawn line stays, and she still has it to undo.
  const undone = (await (await call('undo', {}, tia)).json()) as { applied: { label: string } };
  assert.equal(undone.applied.label, 'text of line 2');
  const page = await (await call('getPage', { pageId: 1 }, tia)).json();
  assert.deepEqual(
    page.lines.map((l: { id: number; text: string | null }) => l.id === drawn.lineId && l.text),
    [false, null],
  );
  assert.deepEqual(await state(tia), { undo: 'text of line 1', redo: 'text of line 2' }, 'her save of the test before is next');
  assert.deepEqual(await state(rita), { undo: 'drawn line', redo: null });
});

const rectangle = (x: number, y: number, w: number, h: number) => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];
