// Malformed or hostile requests to browser mode's server are answered, and never end the
// server's process: a request target `new URL` cannot parse, a token with non-ASCII
// characters, a client that resets the event socket while its gate is asked, a file that
// cannot be read after it was found, and an oversized message on the event socket.
import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBrowserServer, type BrowserServer } from '../../../main/transport/http-server.ts';
import type { Gate } from '../../../main/transport/gate.ts';
import type { Dispatcher } from '../../../main/api/dispatch.ts';
import type { ImageStore } from '../../../main/store/image-store.ts';
import { tempDir } from '../../helpers/project.ts';

const HASH = 'a'.repeat(64);
let root: string;
let server: BrowserServer;
let crashes: unknown[] = [];
const crashed = (e: unknown) => crashes.push(e);

// An error nothing catches would end a real server: here it is collected, and the test fails on it.
beforeEach(() => {
  crashes = [];
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);
});
afterEach(() => {
  process.off('uncaughtException', crashed);
  process.off('unhandledRejection', crashed);
});

before(async () => {
  root = tempDir();
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app', 'index.html'), '<!doctype html><title>app</title>');
  // A page image the store says it has, but whose file cannot be read (a folder in its place).
  mkdirSync(join(root, 'unreadable.png'));
  const images = { has: () => true, path: () => join(root, 'unreadable.png') } as unknown as ImageStore;
  const api = { call: async () => ({ ok: true, value: {} }) } as unknown as Dispatcher;
  server = await startBrowserServer({ api, images: () => images, staticDir: join(root, 'app') });
});
after(() => server.close());

/** Sends `text` as is and returns what came back before the server closed the connection (or 1 s passed). */
function rawExchange(port: number, text: string, o: { resetAfterMs?: number } = {}): Promise<string> {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => ok(answer));
    socket.write(text);
    if (o.resetAfterMs !== undefined) setTimeout(() => socket.resetAndDestroy(), o.resetAfterMs);
    setTimeout(() => socket.destroy(), 1000);
  });
}

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
const requestText = (port: number, target: string, extra = 'Connection: close\r\n') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}\r\n`;

/** The server still answers: its process was not taken down. */
async function stillServes(s: BrowserServer): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${s.port}/api/projectInfo`, { method: 'POST', headers: { 'x-quire-token': s.token } });
  assert.equal(res.status, 200);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(crashes, [], 'no error escaped the server');
}

test('a request target that is no URL (GET //[) gets 400', async () => {
  const answer = await rawExchange(server.port, requestText(server.port, '//['));
  assert.match(answer, /^HTTP\/1\.1 400 /);
  await stillServes(server);
});

test('a token as long as the real one but with a non-ASCII character gets 401', async () => {
  const token = `${'a'.repeat(server.token.length - 1)}%C3%A9`;
  assert.match(await rawExchange(server.port, requestText(server.port, `/?token=${token}`)), /^HTTP\/1\.1 401 /);
  const header = await rawExchange(
    server.port,
    `POST /api/projectInfo HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nx-quire-token: ${'a'.repeat(server.token.length - 1)}é\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
  );
  assert.match(header, /^HTTP\/1\.1 401 /);
  await stillServes(server);
});

test('the event socket refuses such a token, and a target that is no URL, with 401', async () => {
  const token = `${'a'.repeat(server.token.length - 1)}%C3%A9`;
  assert.match(await rawExchange(server.port, requestText(server.port, `/events?token=${token}`, UPGRADE)), /^HTTP\/1\.1 401 /);
  assert.match(await rawExchange(server.port, requestText(server.port, '//[', UPGRADE)), /^HTTP\/1\.1 401 /);
  await stillServes(server);
});

test('a client that resets the event socket while its gate is asked leaves the server running', async () => {
  // A gate that takes its time, as a team server's does (its sessions are in a database).
  const gate: Gate = {
    origin: '',
    url: '',
    listening(port) {
      (this as { origin: string }).origin = `http://127.0.0.1:${port}`;
    },
    admit: () => ({ caller: undefined }),
    admitSocket: () => new Promise((ok) => setTimeout(() => ok({ caller: { name: 'ada', role: 'admin' } }), 200)),
  };
  const api = { call: async () => ({ ok: true, value: {} }) } as unknown as Dispatcher;
  const slow = await startBrowserServer({ api, images: () => ({}) as ImageStore, staticDir: join(root, 'app'), gate });
  try {
    await rawExchange(slow.port, requestText(slow.port, '/events', UPGRADE), { resetAfterMs: 30 });
    await new Promise((r) => setTimeout(r, 400));
    const res = await fetch(`http://127.0.0.1:${slow.port}/api/projectInfo`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual(crashes, [], 'no error escaped the server');
  } finally {
    await slow.close();
  }
});

test('an image that cannot be read once found is not served, and the server keeps running', async () => {
  const res = await fetch(`http://127.0.0.1:${server.port}/images/${HASH}/page?token=${server.token}`, {
    signal: AbortSignal.timeout(2000),
  })
    .then(async (r) => ({ status: r.status, body: await r.arrayBuffer() }))
    .catch(() => ({ status: 0, body: new ArrayBuffer(0) }));
  assert.ok(res.body.byteLength === 0, 'no image bytes');
  assert.notEqual(res.status, 404);
  await stillServes(server);
});

test('the event socket closes on a client message over its small cap (1009) instead of holding it', { timeout: 5000 }, async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
  const closed = new Promise<number>((ok) => ws.once('close', (code) => ok(code)));
  ws.on('error', () => {});
  ws.send(Buffer.alloc(1 << 20, 1));
  assert.equal(await closed, 1009);
  await stillServes(server);
});

test('a broken frame on the event socket (a reserved opcode) closes that socket only', { timeout: 5000 }, async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
  const closed = new Promise<void>((ok) => ws.once('close', () => ok()));
  ws.on('error', () => {});
  // FIN + opcode 3 (reserved), masked, empty: the server's parser rejects it.
  (ws as unknown as { _socket: import('node:net').Socket })._socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
  await closed;
  await stillServes(server);
});
