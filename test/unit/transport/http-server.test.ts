// Browser-mode server security: loopback only, token on every request, same origin only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { png } from '../../helpers/images.ts';
import { useServedProject } from '../../helpers/served-project.ts';

const served = useServedProject();

const call = (method: string, body: unknown, headers: Record<string, string> = { 'x-quire-token': served.token }) =>
  fetch(`${served.base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

test('listens on 127.0.0.1 only and prints a URL with the token', () => {
  assert.match(served.app.server.url, new RegExp(`^http://127\\.0\\.0\\.1:${served.app.server.port}/\\?token=[0-9a-f]{48}$`));
});

test('API calls without the token, or with a wrong one, get 401', async () => {
  assert.equal((await call('projectInfo', {}, {})).status, 401);
  assert.equal((await call('projectInfo', {}, { 'x-quire-token': 'f'.repeat(48) })).status, 401);
  assert.equal((await fetch(`${served.base}/`)).status, 401);
  assert.equal((await fetch(`${served.base}/images/${'a'.repeat(64)}/thumb`)).status, 401);
});

test('requests from another origin get 403 even with the token', async () => {
  assert.equal((await call('projectInfo', {}, { 'x-quire-token': served.token, origin: 'http://evil.example' })).status, 403);
});

test('the token is never a cookie: none is set, and one sent is not accepted', async () => {
  const first = await fetch(`${served.base}/?token=${served.token}`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('set-cookie'), null);
  assert.equal((await call('projectInfo', {}, { cookie: `quire_token=${served.token}` })).status, 401);
});

test('requests are validated: unknown methods 404, bad bodies 400', async () => {
  assert.equal((await call('dropEverything', {})).status, 404);
  const bad = await call('listPages', { documentId: 'one' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /documentId/);
});

test('an upload imports the file and the page image is served', async () => {
  const res = await fetch(`${served.base}/upload?name=scan.png`, {
    method: 'POST',
    headers: { 'x-quire-token': served.token },
    body: new Uint8Array(await png()),
  });
  const report = await res.json();
  assert.equal(report.imported[0].file, 'scan.png');
  const [doc] = await (await call('listDocuments', {})).json();
  const img = await fetch(`${served.base}/images/${doc.coverImage}/thumb`, { headers: { 'x-quire-token': served.token } });
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
});

test('a PAGE file and its image uploaded as one batch import together', async () => {
  const up = (query: string, body?: Uint8Array<ArrayBuffer>) =>
    fetch(`${served.base}/upload?${query}`, { method: 'POST', headers: { 'x-quire-token': served.token }, body });
  const xml = new Uint8Array(readFileSync(new URL('../../fixtures/xml/page-2019.xml', import.meta.url)));
  assert.deepEqual(await (await up('name=page-2019.xml&batch=abcdef123456', xml)).json(), { staged: 'page-2019.xml' });
  await up('name=folio-12r.png&batch=abcdef123456', new Uint8Array(await png(800, 600)));
  const report = await (await up('batch=abcdef123456&done=1')).json();
  assert.deepEqual(report.failed, []);
  assert.equal(report.imported[0].file, 'page-2019.xml');
  assert.ok(report.imported[0].lines > 0);
  assert.equal((await up('batch=abcdef123456&done=1')).status, 404, 'a batch is imported once');
  assert.equal((await up('name=x.png&batch=../../etc')).status, 400);
});

test('the event socket needs the token and then receives project events', async () => {
  const refused = new WebSocket(`ws://127.0.0.1:${served.app.server.port}/events`);
  await new Promise((ok) => refused.on('error', ok));
  const ws = new WebSocket(`ws://127.0.0.1:${served.app.server.port}/events?token=${served.token}`);
  await new Promise((ok) => ws.on('open', ok));
  const message = new Promise<string>((ok) => ws.on('message', (m) => ok(String(m))));
  served.app.server.broadcast({ type: 'project-changed' });
  assert.deepEqual(JSON.parse(await message), { type: 'project-changed' });
  ws.close();
});
