// Browser mode's server: the renderer over HTTP, the API as POST /api/<method>, project
// images as GET /images/<hash>/<variant>, uploads as POST /upload, exports as zip downloads
// (POST /export), and events over a WebSocket at /events (the routes: http-routes.ts).
// Who may ask is its gate's to say: the per-launch token on the desktop (token-guard.ts), a
// signed-in account on a team server (session-gate.ts); either checks Host and Origin first.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { QuireEvent } from '../../shared/api.ts';
import { ROUTE_ROLES, allows, refusal, type Caller } from '../../shared/roles.ts';
import { refuse, send } from './http-io.ts';
import { callApi, exportDownload, serveImage, serveStatic, upload, type RouteOptions } from './http-routes.ts';
import { isRefusal, type Gate } from './gate.ts';
import { TokenGuard } from './token-guard.ts';
import { DEFAULT_UPLOAD_LIMITS as DEFAULT_LIMITS, UploadStaging, type UploadLimits } from './uploads.ts';

export interface BrowserServer {
  url: string;
  /** The per-launch token (desktop browser mode); empty on a team server. */
  token: string;
  port: number;
  broadcast(event: QuireEvent): void;
  /** Sends an event to one account's windows only (its own undo history, on a team server). */
  sendTo(account: string, event: QuireEvent): void;
  close(): Promise<void>;
}

export interface ServerOptions extends RouteOptions {
  port?: number;
  /** The address to listen on; 127.0.0.1 unless a team server is told otherwise. */
  host?: string;
  token?: string;
  /** Who may ask; the per-launch token guard when left out. */
  gate?: Gate;
  uploads?: Partial<UploadLimits>;
}

/** A route beside the API held to a role: the caller's refusal, or null when it may go on. */
function roleRefusal(caller: Caller | undefined, route: keyof typeof ROUTE_ROLES) {
  if (!caller || allows(caller.role, ROUTE_ROLES[route])) return null;
  return { code: 'forbidden', name: 'Forbidden', message: refusal(caller.role, ROUTE_ROLES[route], route) };
}

function route(
  o: ServerOptions,
  staging: UploadStaging,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  caller: Caller | undefined,
): Promise<void> | void {
  const { method } = req;
  const path = url.pathname;
  if (method === 'GET' && (path.startsWith('/images/') || path.startsWith('/line-image/'))) return serveImage(o, res, url);
  if (method === 'POST' && (path === '/upload' || path === '/export')) {
    const refused = roleRefusal(caller, path === '/upload' ? 'upload' : 'export');
    if (refused) return refuse(req, res, 403, refused);
    return path === '/upload' ? upload(o, staging, req, res, url) : exportDownload(o, req, res);
  }
  if (method === 'POST' && path.startsWith('/api/')) return callApi(o, req, res, path.slice(5), caller);
  if (method === 'GET') return serveStatic(o, res, path);
  return send(res, 404, { code: 'not-found', name: 'NotFound', message: `${method} ${path}` });
}

/** The event socket at /events, for requests its gate lets in. */
function eventSockets(server: Server, gate: Gate) {
  // Each socket with the account it was opened by (none on the desktop).
  const sockets = new Map<WebSocket, string | undefined>();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', async (req, socket, head) => {
    const url = new URL(req.url ?? '/', gate.origin);
    const admitted = url.pathname === '/events' && (await Promise.resolve(gate.admitSocket(req, url)).catch(() => false as const));
    if (!admitted) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.set(ws, admitted.caller?.name);
      ws.on('close', () => sockets.delete(ws));
    });
  });
  return {
    broadcast(event: QuireEvent) {
      const text = JSON.stringify(event);
      for (const ws of sockets.keys()) ws.send(text);
    },
    sendTo(account: string, event: QuireEvent) {
      const text = JSON.stringify(event);
      for (const [ws, name] of sockets) if (name === account) ws.send(text);
    },
    close() {
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
    },
  };
}

export async function startBrowserServer(o: ServerOptions): Promise<BrowserServer> {
  const token = o.gate ? '' : (o.token ?? randomBytes(24).toString('hex'));
  const gate: Gate = o.gate ?? new TokenGuard(token);
  const staging = new UploadStaging({ ...DEFAULT_LIMITS, ...o.uploads });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', gate.origin);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // A team server's admission reads its sessions from the database: a promise there.
    Promise.resolve(gate.admit(req, url))
      .then((admitted) => {
        if (isRefusal(admitted)) return refuse(req, res, admitted.status, admitted.body);
        if (gate.route?.(req, res, url)) return;
        return route(o, staging, req, res, url, admitted.caller);
      })
      .catch((error) => send(res, 500, { code: 'failed', name: 'InternalError', message: (error as Error).message }));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => ok());
  });
  const port = (server.address() as { port: number }).port;
  gate.listening(port);
  const events = eventSockets(server, gate);
  return {
    url: gate.url,
    token,
    port,
    broadcast: (event) => events.broadcast(event),
    sendTo: (account, event) => events.sendTo(account, event),
    close: () =>
      new Promise<void>((ok) => {
        events.close();
        staging.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
