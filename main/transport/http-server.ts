// Browser mode: the renderer served from 127.0.0.1, the API as POST /api/<method>, project
// images as GET /images/<hash>/<variant>, uploads as POST /upload, exports as zip downloads
// (POST /export), and events over a WebSocket at /events (the routes: http-routes.ts).
// Every request for data must carry the per-launch token, as the
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
import { WebSocketServer, type WebSocket } from 'ws';
import type { QuireEvent } from '../../shared/api.ts';
import { refuse, send } from './http-io.ts';
import { callApi, exportDownload, serveImage, serveStatic, upload, type RouteOptions } from './http-routes.ts';
import { DEFAULT_UPLOAD_LIMITS as DEFAULT_LIMITS, UploadStaging, type UploadLimits } from './uploads.ts';

export interface BrowserServer {
  url: string;
  token: string;
  port: number;
  broadcast(event: QuireEvent): void;
  close(): Promise<void>;
}

export interface ServerOptions extends RouteOptions {
  port?: number;
  token?: string;
  uploads?: Partial<UploadLimits>;
}

/** Who may ask: this server's own Host and Origin, with the launch's token. */
class Guard {
  origin = '';
  private hosts: string[] = [];

  constructor(readonly token: string) {}

  listening(port: number): void {
    this.origin = `http://127.0.0.1:${port}`;
    this.hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  }

  private matches(given: string): boolean {
    return given.length === this.token.length && timingSafeEqual(Buffer.from(given), Buffer.from(this.token));
  }

  tokenOk(req: IncomingMessage, url: URL): boolean {
    return [String(req.headers['x-quire-token'] ?? ''), url.searchParams.get('token') ?? ''].some((t) => this.matches(t));
  }

  originOk(req: IncomingMessage): boolean {
    return req.headers.origin === undefined || req.headers.origin === this.origin;
  }

  /** A page on another site can rebind its own name to 127.0.0.1; its requests then carry that name as Host. */
  hostOk(req: IncomingMessage): boolean {
    return this.hosts.includes(String(req.headers.host ?? '').toLowerCase());
  }

  /** Why a request is refused (status and body), or null when it may go on. */
  check(req: IncomingMessage, url: URL): { status: number; body: { name: string; message: string } } | null {
    if (!this.hostOk(req))
      return {
        status: 403,
        body: { name: 'Forbidden', message: `Host ${String(req.headers.host ?? '(none)').slice(0, 100)} is not this server` },
      };
    if (!this.originOk(req)) return { status: 403, body: { name: 'Forbidden', message: 'requests from other origins are refused' } };
    const asset = req.method === 'GET' && url.pathname.startsWith('/assets/');
    if (!asset && !this.tokenOk(req, url)) return { status: 401, body: { name: 'Unauthorized', message: 'missing or wrong token' } };
    return null;
  }
}

function route(o: ServerOptions, staging: UploadStaging, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void {
  const { method } = req;
  const path = url.pathname;
  if (method === 'GET' && (path.startsWith('/images/') || path.startsWith('/line-image/'))) return serveImage(o, res, url);
  if (method === 'POST' && path === '/upload') return upload(o, staging, req, res, url);
  if (method === 'POST' && path === '/export') return exportDownload(o, req, res);
  if (method === 'POST' && path.startsWith('/api/')) return callApi(o, req, res, path.slice(5));
  if (method === 'GET') return serveStatic(o, res, path);
  return send(res, 404, { code: 'not-found', name: 'NotFound', message: `${method} ${path}` });
}

/** The event socket at /events, for requests that pass the guard. */
function eventSockets(server: Server, guard: Guard) {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', guard.origin);
    if (url.pathname !== '/events' || !guard.hostOk(req) || !guard.originOk(req) || !guard.tokenOk(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });
  return {
    broadcast(event: QuireEvent) {
      const text = JSON.stringify(event);
      for (const ws of sockets) ws.send(text);
    },
    close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

export async function startBrowserServer(o: ServerOptions): Promise<BrowserServer> {
  const guard = new Guard(o.token ?? randomBytes(24).toString('hex'));
  const staging = new UploadStaging({ ...DEFAULT_LIMITS, ...o.uploads });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', guard.origin);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const refused = guard.check(req, url);
    if (refused) return refuse(req, res, refused.status, refused.body);
    Promise.resolve(route(o, staging, req, res, url)).catch((error) =>
      send(res, 500, { code: 'failed', name: 'InternalError', message: (error as Error).message }),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as { port: number }).port;
  guard.listening(port);
  const events = eventSockets(server, guard);
  return {
    url: `${guard.origin}/?token=${guard.token}`,
    token: guard.token,
    port,
    broadcast: (event) => events.broadcast(event),
    close: () =>
      new Promise<void>((ok) => {
        events.close();
        staging.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
