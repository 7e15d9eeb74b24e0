// An unexpected failure (a bug, the disk, the database) can name the server's paths or SQL in
// its message: a team server answers it with a generic 500 and logs it with the method; the
// desktop's own server shows its owner the message. Errors raised for the user ("no page
// 999", "nothing to export") reach every client as they are.
import { after, before, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { addUser } from '../../../main/accounts/accounts.ts';
import { Sessions } from '../../../main/accounts/sessions.ts';
import { serveProject } from '../../../main/app/browser-mode.ts';
import { serveTeam } from '../../../main/app/team-server.ts';
import { createDispatcher } from '../../../main/api/dispatch.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { DB_FILE, Project } from '../../../main/project/project.ts';
import type { ImageStore } from '../../../main/store/image-store.ts';
import { SERVER_FAILED } from '../../../main/transport/failures.ts';
import { startBrowserServer, type BrowserServer, type ServerOptions } from '../../../main/transport/http-server.ts';
import { SessionGate } from '../../../main/transport/session-gate.ts';
import type { QuireApi } from '../../../shared/api.ts';
import { teamPageProject } from '../../helpers/page-fixture.ts';
import { tempDir } from '../../helpers/project.ts';
import { apiCall, signIn } from '../../helpers/team-client.ts';

const SECRET = '/srv/quire/secret-folder/quire.db';
/** What node's fs raises: a system error whose message names a path on the server. */
const diskError = () => Object.assign(new Error(`EACCES: permission denied, open '${SECRET}'`), { code: 'EACCES', syscall: 'open' });
const HASH = 'a'.repeat(64);
const GENERIC = { code: 'failed', name: 'InternalError', message: SERVER_FAILED };

let accounts: Project;
let team: BrowserServer;
let owner: BrowserServer;
let teamFolder: Awaited<ReturnType<typeof serveTeam>>;
let desktop: Awaited<ReturnType<typeof serveProject>>;
const logged = mock.method(console, 'error', () => {});

before(async () => {
  // Routes beside the API, whose own failures the two gates answer differently.
  const routes: Omit<ServerOptions, 'gate'> = {
    api: createDispatcher({} as QuireApi),
    images: () => {
      throw diskError();
    },
    staticDir: tempDir(),
    exportZip: async (request) => {
      if (request.documentIds?.[0] === 2) throw new Error('nothing to export: document 2 has no pages');
      throw diskError();
    },
  };
  accounts = Project.init(join(tempDir(), 'accounts'));
  await addUser(accounts.db, 'rita', 'reviewer', 'rita-password');
  const run = desktopRunner(() => accounts.db);
  const gate = new SessionGate({ run, sessions: new Sessions(run), host: '127.0.0.1', sessionSeconds: 3600 });
  team = await startBrowserServer({ ...routes, gate });
  owner = await startBrowserServer(routes);
  // The same broken project (its search index of readings dropped) behind each server: the
  // search raises SQLite's own error, which names the table.
  const dir = await teamPageProject();
  const copy = join(tempDir(), 'copy');
  cpSync(dir, copy, { recursive: true });
  for (const d of [dir, copy]) {
    const db = openDatabase(join(d, DB_FILE));
    db.exec('DROP TABLE prediction_text_fts');
    db.close();
  }
  teamFolder = await serveTeam(dir, { port: 0 });
  desktop = await serveProject(copy);
});
after(async () => {
  await Promise.all([team.close(), owner.close(), teamFolder.close(), desktop.close()]);
  accounts.close();
  logged.mock.restore();
});

const post = (server: BrowserServer, path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** The logged failures' first arguments (what failed) and whether the error itself was logged. */
const logs = () =>
  logged.mock.calls.map((c): [string, string | undefined] => [String(c.arguments[0]), (c.arguments[1] as Error | undefined)?.message]);

test('a team server answers an API method’s unexpected failure with a generic 500 and logs it with the method', async () => {
  const base = `http://127.0.0.1:${teamFolder.server.port}`;
  const ada = await signIn(base, 'ada');
  logged.mock.resetCalls();
  const { status, body } = await apiCall(base, 'search', { query: 'Anno' }, ada);
  assert.equal(status, 500);
  assert.deepEqual(body, GENERIC, 'no table, SQL or path reaches the client');
  const [[where, message]] = logs();
  assert.match(where, /search/);
  assert.match(message!, /prediction_text_fts/, 'the administrator reads what failed');
  // Errors meant for the user are left as they are.
  assert.deepEqual((await apiCall(base, 'getPage', { pageId: 999 }, ada)).body, { code: 'failed', name: 'Error', message: 'no page 999' });
  assert.equal((await apiCall(base, 'getPage', { pageId: 'x' }, ada)).status, 400);
});

test('the desktop’s own server shows its owner the failure’s message', async () => {
  const answer = await post(desktop.server, '/api/search', { query: 'Anno' }, { 'x-quire-token': desktop.server.token });
  assert.equal(answer.status, 500);
  assert.match((await answer.json()).message, /prediction_text_fts/);
});

test('routes beside the API: an unexpected failure is hidden from accounts, shown to the owner; a refusal for the user is not hidden', async () => {
  const rita = await signIn(`http://127.0.0.1:${team.port}`, 'rita');
  logged.mock.resetCalls();
  const image = await fetch(`http://127.0.0.1:${team.port}/images/${HASH}/thumb`, { headers: { cookie: rita } });
  assert.equal(image.status, 500);
  assert.deepEqual(await image.json(), GENERIC);
  const exported = await post(team, '/export', { format: 'text', documentIds: [1] }, { cookie: rita });
  assert.equal(exported.status, 500);
  assert.deepEqual(await exported.json(), GENERIC);
  assert.deepEqual(
    logs().map(([where, message]) => [where.replace(/^quire serve: /, ''), message?.includes(SECRET)]),
    [
      [`GET /images/${HASH}/thumb failed:`, true],
      ['export failed:', true],
    ],
  );
  const empty = await post(team, '/export', { format: 'text', documentIds: [2] }, { cookie: rita });
  assert.equal(empty.status, 500);
  assert.match((await empty.json()).message, /^nothing to export/);

  const token = { 'x-quire-token': owner.token };
  const ownImage = await fetch(`http://127.0.0.1:${owner.port}/images/${HASH}/thumb`, { headers: token });
  assert.equal(ownImage.status, 500);
  assert.ok((await ownImage.json()).message.includes(SECRET));
  const ownExport = await post(owner, '/export', { format: 'text', documentIds: [1] }, token);
  assert.ok((await ownExport.json()).message.includes(SECRET));
});
