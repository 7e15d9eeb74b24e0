// Issue #16, items 3, 4, 9 (and 1 through an upload): the browser-mode server ties its
// token to this server, refuses foreign Host headers, streams uploads to disk under caps
// (413, never a reset), expires and cleans staged batches, and keeps its static root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserServer, type BrowserServer } from '../../../main/transport/http-server.ts';
import { serveProject } from '../../../main/app/browser-mode.ts';
import { Project } from '../../../main/project/project.ts';
import { createService } from '../../../main/api/service.ts';
import { createDispatcher } from '../../../main/api/dispatch.ts';
import type { QuireApi } from '../../../shared/api.ts';
import { pageXml } from '../../helpers/layout-files.ts';
import { peakLiveBuffers } from '../../helpers/live-memory.ts';
import { tempDir } from '../../helpers/project.ts';

let app: Awaited<ReturnType<typeof serveProject>>;
let small: BrowserServer;
let staticRoot: string;
const uploadDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`quire-upload-${process.pid}-`));

before(async () => {
  const dir = join(tempDir(), 'p');
  Project.init(dir).close();
  app = await serveProject(dir);
  // A second server with tiny limits and its own static folder, beside a private sibling folder.
  const root = tempDir();
  staticRoot = join(root, 'app');
  mkdirSync(staticRoot);
  writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>app</title>');
  mkdirSync(join(root, 'app-private'));
  writeFileSync(join(root, 'app-private', 'secret.txt'), 'private');
  small = await startBrowserServer({
    api: createDispatcher(createService(app.project) as unknown as QuireApi),
    images: () => app.project.images,
    staticDir: staticRoot,
    uploads: { maxFileBytes: 1 << 20, maxBatchBytes: 1.5 * (1 << 20), batchTtlMs: 150 },
  });
});
after(async () => {
  await small.close();
  await app.close();
});

/** A raw request, so Host can be set and the body streamed in chunks. */
function raw(
  server: BrowserServer,
  o: { path: string; method?: string; headers?: Record<string, string>; chunks?: number; chunk?: Buffer },
): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: o.path,
        method: o.method ?? 'GET',
        headers: { 'x-quire-token': server.token, ...o.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', fail);
    const chunk = o.chunk ?? Buffer.alloc(1 << 20, 7);
    let left = o.chunks ?? 0;
    const pump = () => {
      while (left > 0) {
        left--;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

test('item 3: a Host other than this loopback address and port is refused (DNS rebinding), even with the token', async () => {
  for (const host of ['evil.example', `evil.example:${app.server.port}`, '127.0.0.1:1']) {
    const r = await raw(app.server, { path: '/api/projectInfo', method: 'POST', headers: { host, 'content-type': 'application/json' } });
    assert.equal(r.status, 403, host);
  }
  assert.equal(
    (await raw(app.server, { path: '/api/projectInfo', method: 'POST', headers: { 'content-type': 'application/json' } })).status,
    200,
  );
});

test('the page opened as localhost:PORT works as at 127.0.0.1:PORT; other origins are refused', async () => {
  const call = (origin: string, host = origin.replace('http://', '')) =>
    raw(app.server, { path: '/api/projectInfo', method: 'POST', headers: { host, origin, 'content-type': 'application/json' } });
  assert.equal((await call(`http://localhost:${app.server.port}`)).status, 200);
  assert.equal((await call(`http://127.0.0.1:${app.server.port}`)).status, 200);
  for (const origin of ['http://evil.example', `http://localhost:${app.server.port + 1}`, `https://localhost:${app.server.port}`])
    assert.equal((await call(origin, `127.0.0.1:${app.server.port}`)).status, 403, origin);
});

test("item 3: one server's token opens nothing on another server", async () => {
  const r = await raw(small, { path: '/api/projectInfo', method: 'POST', headers: { 'x-quire-token': app.server.token } });
  assert.equal(r.status, 401);
});

test('the address opened without its token shows a page that says what to open, not raw JSON; scripts still get JSON', async () => {
  const page = await fetch(`http://127.0.0.1:${app.server.port}/?page=3`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(page.status, 401);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  const html = await page.text();
  assert.match(html, /missing or wrong token/);
  assert.match(html, /the address that <code>npm start<\/code> printed/);
  const api = await fetch(`http://127.0.0.1:${app.server.port}/api/projectInfo`, { method: 'POST', body: '{}' });
  assert.equal(api.status, 401);
  assert.deepEqual(await api.json(), { name: 'Unauthorized', message: 'missing or wrong token' });
});

/**
 * An upload of `chunks` MiB from another process, so that the client's buffers do not
 * count against the server's memory below. Resolves with the status and body.
 */
function uploadFromChild(server: BrowserServer, path: string, chunks: number): Promise<{ status: number; body: string }> {
  const client = `
    const req = require('node:http').request({ host: '127.0.0.1', port: ${server.port}, path: ${JSON.stringify(path)},
      method: 'POST', headers: { 'x-quire-token': ${JSON.stringify(server.token)} } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, body })));
    });
    const chunk = Buffer.alloc(1 << 20, 7);
    let left = ${chunks};
    const pump = () => { while (left-- > 0) if (!req.write(chunk)) return void req.once('drain', pump); req.end(); };
    pump();`;
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['-e', client], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(out)) : fail(new Error(`upload client exited with ${code}`))));
  });
}

test('item 4: a 150 MB upload is streamed to disk: live memory stays small', async () => {
  // A forced collection takes tens of milliseconds with this heap: every 20 ms they were most
  // of the upload's time (143 s on an idle machine, past the server's 300 s request timeout
  // under load). A buffered upload would hold its 150 MB to the end, so every 100 ms sees it.
  const {
    result: r,
    peak,
    samples,
  } = await peakLiveBuffers(() => uploadFromChild(app.server, '/upload?name=big.tif&batch=bigbatch01', 150), 100);
  assert.equal(r.status, 200, r.body);
  console.log(`# item 4: 150 MB upload, peak live buffers +${(peak / 1e6).toFixed(1)} MB over ${samples} samples`);
  // An idle machine uploads 150 MB in under half a second: a few samples are all there is time for.
  assert.ok(samples >= 3, `memory was sampled during the upload (${samples} samples)`);
  // Buffers freed but not yet returned make the peak noisy (2-47 MB measured for 150 MB, and
  // 9-19 MB for 450 MB: it does not grow with the upload); a server that buffered the body
  // would hold all 150 MB.
  assert.ok(peak < 75e6, `live buffers grew by ${(peak / 1e6).toFixed(1)} MB`);
});

test('item 4: an upload over the cap gets 413 and leaves no staged file', async () => {
  const before = uploadDirs().length;
  const r = await raw(small, { path: '/upload?name=huge.png', method: 'POST', chunks: 3 });
  assert.equal(r.status, 413);
  assert.match(JSON.parse(r.body).message, /huge\.png: .*over the limit of 1048576 bytes/);
  // A file that would take its batch over the batch's cap is refused, naming that cap; the
  // files staged before it stay and are imported (here: reported, being no images), and so
  // are those after it that fit.
  const put = (name: string, bytes: number) =>
    raw(small, { path: `/upload?name=${name}&batch=capbatch01`, method: 'POST', chunk: Buffer.alloc(bytes, 1), chunks: 1 });
  assert.equal((await put('a.png', 900_000)).status, 200);
  const refused = await put('b.png', 900_000);
  assert.equal(refused.status, 413);
  assert.match(
    JSON.parse(refused.body).message,
    /b\.png: the files uploaded together would pass the limit of 1572864 bytes .*upload fewer files at a time/,
  );
  assert.equal((await put('c.png', 1000)).status, 200);
  const done = await raw(small, { path: '/upload?batch=capbatch01&done=1', method: 'POST' });
  assert.equal(done.status, 200);
  const report = JSON.parse(done.body) as { failed: Array<{ file: string }>; imported: Array<{ file: string }> };
  assert.deepEqual([...report.failed, ...report.imported].map((f) => f.file).sort(), ['a.png', 'c.png']);
  assert.equal(uploadDirs().length, before, 'no staged folder is left');
});

test('a second file of the same name in one upload is refused, and the first stays staged', async () => {
  const put = (bytes: number) =>
    raw(small, { path: `/upload?name=same.png&batch=samebatch1`, method: 'POST', chunk: Buffer.alloc(bytes, 1), chunks: 1 });
  assert.equal((await put(1000)).status, 200);
  const second = await put(2000);
  assert.equal(second.status, 400);
  assert.match(JSON.parse(second.body).message, /same\.png: a file named same\.png is already in this upload/);
  const done = await raw(small, { path: '/upload?batch=samebatch1&done=1', method: 'POST' });
  const report = JSON.parse(done.body) as { failed: Array<{ file: string }>; imported: Array<{ file: string }> };
  assert.deepEqual(
    [...report.failed, ...report.imported].map((f) => f.file),
    ['same.png'],
  );
});

test('item 4: a staged batch expires, and folders of a server that died are removed at start', async () => {
  assert.equal((await raw(small, { path: '/upload?name=a.png&batch=oldbatch01', method: 'POST', chunks: 0 })).status, 200);
  await new Promise((r) => setTimeout(r, 300));
  const done = await raw(small, { path: '/upload?batch=oldbatch01&done=1', method: 'POST' });
  assert.equal(done.status, 404);
  assert.match(JSON.parse(done.body).message, /expired/);
  const orphan = mkdtempSync(join(tmpdir(), 'quire-upload-999999999-'));
  const other = await startBrowserServer({ api: {} as never, images: () => app.project.images, staticDir: staticRoot });
  await other.close();
  assert.ok(!readdirSync(tmpdir()).includes(orphan.slice(tmpdir().length + 1)), "the dead server's folder was removed");
});

test('item 9: a 200 MB API body gets 413, not a reset connection', async () => {
  const r = await raw(app.server, {
    path: '/api/projectInfo',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    chunks: 200,
  });
  assert.equal(r.status, 413);
});

test("item 9: the static root check holds against a sibling folder whose name extends the root's", async () => {
  const r = await raw(small, { path: '/..%2fapp-private%2fsecret.txt' });
  assert.equal(r.status, 403);
  assert.doesNotMatch(r.body, /private/);
});

test('item 1 (server): an uploaded PAGE file naming /dev/zero fails at once with its reason', async () => {
  const xml = Buffer.from(pageXml({ image: '/dev/zero', width: 10, height: 10 }));
  assert.equal(
    (await raw(app.server, { path: '/upload?name=zero.xml&batch=zerobatch1', method: 'POST', chunk: xml, chunks: 1 })).status,
    200,
  );
  const r = await raw(app.server, { path: '/upload?batch=zerobatch1&done=1', method: 'POST' });
  const report = JSON.parse(r.body);
  assert.equal(report.failed[0].file, 'zero.xml');
  assert.match(report.failed[0].reason, /lies outside the imported folder/);
});
