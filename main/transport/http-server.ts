// Browser mode: the renderer served from 127.0.0.1, the API as POST /api/<method>, project
// images as GET /images/<hash>/<variant>, uploads as POST /upload, exports as zip downloads
// (POST /export), and events over a WebSocket at /events. Every request for data must carry the per-launch token, as the
// header x-quire-token (API calls, uploads) or as ?token= (image URLs and the event
// socket, which cannot send headers). The page keeps the token from its printed URL in
// sessionStorage, per tab and per launch: a cookie would be sent by the browser to every
// server on 127.0.0.1 (cookies ignore the port), and a second Quire would overwrite it.
// The app's scripts and styles (/assets/) hold no data and are served without the token
// (a module script cannot send it); the page itself needs it in its URL.
// Requests from another Origin are refused, so other web pages cannot drive the API, and
// so is any Host but this server's loopback address and port (DNS rebinding).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { basename, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { isMethod, parseRequest, RequestError, type QuireApi, type QuireEvent } from '../../shared/api.ts';
import type { ImageStore } from '../store/image-store.ts';
import { exportDownloadSchema, type ExportDownload } from '../../shared/workbench-api.ts';
import type { ExportZip } from '../export/export-zip.ts';
import { findImage, IMMUTABLE_CACHE, type FoundImage } from './image-lookup.ts';
import { findRendererFile } from './renderer-files.ts';
import { DEFAULT_UPLOAD_LIMITS as DEFAULT_LIMITS, PayloadTooLarge, UploadStaging, type UploadLimits } from './uploads.ts';

// Like the desktop app's (main/app/window-security.ts), plus the event socket; no 'unsafe-eval'.
const BROWSER_CSP = "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*";
const MAX_BODY = 1 << 20;

export interface BrowserServer {
  url: string;
  token: string;
  port: number;
  broadcast(event: QuireEvent): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  api: QuireApi;
  /** The open project's image store (it changes when another project is opened). */
  images: () => ImageStore;
  /** Folder with the built renderer (index.html). */
  staticDir: string;
  /** PNG of one line's crop (GET /line-image/<id>[?crop=<key>]). */
  lineImage?: (lineId: number, key?: string) => Promise<Buffer>;
  /** An export of the open project as a zip (POST /export). */
  exportZip?: (request: ExportDownload) => Promise<ExportZip>;
  port?: number;
  token?: string;
  uploads?: Partial<UploadLimits>;
}

export async function startBrowserServer(o: ServerOptions): Promise<BrowserServer> {
  const token = o.token ?? randomBytes(24).toString('hex');
  const sockets = new Set<WebSocket>();
  let origin = '';
  let hosts: string[] = [];
  const staging = new UploadStaging({ ...DEFAULT_LIMITS, ...o.uploads });
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { name: 'InternalError', message: (error as Error).message }));
  });
  const matches = (given: string) => given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
  const tokenOk = (req: IncomingMessage, url: URL) =>
    [String(req.headers['x-quire-token'] ?? ''), url.searchParams.get('token') ?? ''].some(matches);
  const originOk = (req: IncomingMessage) => req.headers.origin === undefined || req.headers.origin === origin;
  // A page on another site can rebind its own name to 127.0.0.1; its requests then carry that name as Host.
  const hostOk = (req: IncomingMessage) => hosts.includes(String(req.headers.host ?? '').toLowerCase());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!hostOk(req))
      return refuse(req, res, 403, {
        name: 'Forbidden',
        message: `Host ${String(req.headers.host ?? '(none)').slice(0, 100)} is not this server`,
      });
    if (!originOk(req)) return refuse(req, res, 403, { name: 'Forbidden', message: 'requests from other origins are refused' });
    const asset = req.method === 'GET' && url.pathname.startsWith('/assets/');
    if (!asset && !tokenOk(req, url)) return refuse(req, res, 401, { name: 'Unauthorized', message: 'missing or wrong token' });
    if (req.method === 'GET' && url.pathname.startsWith('/images/')) return serveImage(res, url.pathname);
    if (req.method === 'GET' && url.pathname.startsWith('/line-image/')) return serveLineImage(res, url);
    if (req.method === 'POST' && url.pathname === '/upload') return upload(req, res, url);
    if (req.method === 'POST' && url.pathname === '/export') return exportDownload(req, res);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) return callApi(req, res, url.pathname.slice(5));
    if (req.method === 'GET') return serveStatic(res, url.pathname);
    return send(res, 404, { name: 'NotFound', message: `${req.method} ${url.pathname}` });
  }

  async function callApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (!isMethod(method)) return send(res, 404, { name: 'NotFound', message: `no API method ${method}` });
    let body: unknown;
    try {
      const raw = await readBody(req, MAX_BODY);
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch (error) {
      return send(res, error instanceof PayloadTooLarge ? 413 : 400, { name: (error as Error).name, message: (error as Error).message });
    }
    try {
      const request = parseRequest(method, body);
      const handler = o.api[method] as (r: typeof request) => Promise<unknown>;
      send(res, 200, await handler(request));
    } catch (error) {
      send(res, error instanceof RequestError ? 400 : 500, { name: (error as Error).name, message: (error as Error).message });
    }
  }

  async function exportDownload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!o.exportZip) return refuse(req, res, 404, { name: 'NotFound', message: 'exports are not served here' });
    let request: ExportDownload;
    try {
      const raw = await readBody(req, MAX_BODY);
      const parsed = exportDownloadSchema.safeParse(raw.length ? JSON.parse(raw.toString('utf8')) : {});
      if (!parsed.success)
        throw new RequestError(`export: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
      request = parsed.data;
    } catch (error) {
      return send(res, error instanceof PayloadTooLarge ? 413 : 400, { name: (error as Error).name, message: (error as Error).message });
    }
    let zip: ExportZip;
    try {
      zip = await o.exportZip(request);
    } catch (error) {
      return send(res, 500, { name: (error as Error).name, message: (error as Error).message });
    }
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${zip.name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(zip.name)}`,
      'X-Quire-Files': String(zip.files),
    });
    // Once the headers are out an error can only cut the download short.
    await zip.write(res).catch(() => res.destroy());
  }

  // A PAGE or ALTO file needs its image beside it: files of one batch (?batch=ID) are
  // staged together, then `?batch=ID&done=1` imports them as one folder. Without a batch,
  // each upload is imported on its own.
  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const batch = url.searchParams.get('batch');
    if (batch !== null && !/^[a-z0-9]{8,40}$/.test(batch))
      return refuse(req, res, 400, { name: 'RequestError', message: 'batch: 8 to 40 lowercase letters or digits' });
    if (batch !== null && url.searchParams.get('done') === '1') {
      const dir = staging.take(batch);
      if (!dir)
        return send(res, 404, { name: 'NotFound', message: `no upload batch ${batch} (never staged, already imported, or expired)` });
      return importStaged(res, dir, [dir]);
    }
    const name = basename(url.searchParams.get('name') ?? 'upload');
    let staged: { dir: string; file: string };
    try {
      staged = await staging.receive(req, name, batch);
    } catch (error) {
      if (error instanceof PayloadTooLarge) return send(res, 413, { name: 'PayloadTooLarge', message: `${name}: ${error.message}` });
      return send(res, 400, { name: 'RequestError', message: `${name}: ${(error as Error).message}` });
    }
    if (batch !== null) return send(res, 200, { staged: name });
    return importStaged(res, staged.dir, [staged.file]);
  }

  async function importStaged(res: ServerResponse, dir: string, paths: string[]): Promise<void> {
    try {
      const report = await o.api.importFiles({ paths });
      // Report the names the user chose, not our temporary paths.
      const rename = (f: string) => (f.startsWith(dir + sep) ? f.slice(dir.length + 1) : f);
      send(res, 200, {
        imported: report.imported.map((d) => ({ ...d, file: rename(d.file) })),
        duplicates: report.duplicates.map((d) => ({ file: rename(d.file), reason: d.reason.split(dir + sep).join('') })),
        failed: report.failed.map((f) => ({ ...f, file: rename(f.file), reason: f.reason.split(dir + sep).join('') })),
        warnings: report.warnings.map((w) => ({ ...w, file: rename(w.file), message: w.message.split(dir + sep).join('') })),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async function serveImage(res: ServerResponse, path: string): Promise<void> {
    const [, , hash = '', variant = ''] = path.split('/');
    return sendImage(res, path, await findImage({ kind: 'page', hash, variant }, o));
  }

  async function serveLineImage(res: ServerResponse, url: URL): Promise<void> {
    return sendImage(
      res,
      url.pathname,
      await findImage({ kind: 'line', id: url.pathname.split('/')[2] ?? '', crop: url.searchParams.get('crop') }, o),
    );
  }

  function sendImage(res: ServerResponse, path: string, found: FoundImage | null): void {
    if (!found) return send(res, 404, { name: 'NotFound', message: path });
    if ('body' in found) {
      res.writeHead(200, { 'Content-Type': found.contentType });
      res.end(found.body);
      return;
    }
    res.writeHead(200, { 'Content-Type': found.contentType, 'Cache-Control': IMMUTABLE_CACHE });
    createReadStream(found.file).pipe(res);
  }

  function serveStatic(res: ServerResponse, pathname: string): void {
    const found = findRendererFile(o.staticDir, pathname);
    if ('error' in found) {
      return found.error === 'outside'
        ? send(res, 403, { name: 'Forbidden', message: 'outside the app folder' })
        : send(res, 500, { name: 'NotBuilt', message: 'the renderer is not built: run `npm run build`' });
    }
    res.writeHead(200, { 'Content-Type': found.contentType, 'Content-Security-Policy': BROWSER_CSP });
    createReadStream(found.file).pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;
  hosts = [`127.0.0.1:${port}`, `localhost:${port}`];

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/events' || !hostOk(req) || !originOk(req) || !tokenOk(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    broadcast(event) {
      const text = JSON.stringify(event);
      for (const ws of sockets) ws.send(text);
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        staging.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The body, up to `limit` bytes; past that the rest is read and dropped and PayloadTooLarge raised (413, not a reset). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit)
        chunks.length = 0; // keep reading, hold nothing
      else chunks.push(c);
    });
    req.on('end', () => (size > limit ? fail(new PayloadTooLarge(`request body over ${limit} bytes`)) : ok(Buffer.concat(chunks))));
    req.on('error', fail);
  });
}

/** Answers without reading the body: the body is discarded so the client reads the answer instead of a reset. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  req.resume();
  send(res, status, body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
