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
import { failureAnswer } from './failures.ts';
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
  /** How often an open event socket's account is checked again (default 10 s); see eventSockets. */
  socketRecheckMs?: number;
}

/** The event socket only sends: a client message is never read, so a large one is only memory spent (ws's default cap is 100 MiB). */
const MAX_SOCKET_MESSAGE = 4096;

/**
 * The request's URL, or null where its target is not one (`GET //[ HTTP/1.1`): node's parser
 * lets such a target through, and `new URL` throws on it.
 */
function requestUrl(req: IncomingMessage, gate: Gate): URL | null {
  try {
    return new URL(req.url ?? '/', gate.origin);
  } catch {
    return null;
  }
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
  reveal: boolean,
): Promise<void> | void {
  const { method } = req;
  const path = url.pathname;
  if (method === 'GET' && (path.startsWith('/images/') || path.startsWith('/line-image/'))) return serveImage(o, res, url);
  if (method === 'POST' && (path === '/upload' || path === '/export')) {
    const refused = roleRefusal(caller, path === '/upload' ? 'upload' : 'export');
    if (refused) return refuse(req, res, 403, refused);
    return path === '/upload' ? upload(o, staging, req, res, url, caller) : exportDownload(o, req, res, reveal);
  }
  if (method === 'POST' && path.startsWith('/api/')) return callApi(o, req, res, path.slice(5), caller);
  if (method === 'GET') return serveStatic(o, res, path);
  return send(res, 404, { code: 'not-found', name: 'NotFound', message: `${method} ${path}` });
}

/** An open event socket: the account it was opened by (none on the desktop), and its upgrade request, to ask the gate again. */
interface OpenSocket {
  name: string | undefined;
  req: IncomingMessage;
  url: URL;
}

/**
 * The event socket at /events, for requests its gate lets in. A team server's socket is
 * checked again every `recheckMs` and closed once its session has ended (log-out, expiry, the
 * account disabled or given a new password): it carries every saved line's text.
 */
function eventSockets(server: Server, gate: Gate, recheckMs: number) {
  const sockets = new Map<WebSocket, OpenSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_MESSAGE });
  server.on('upgrade', async (req, socket, head) => {
    // Node's server stops watching the socket for errors once it is handed here: a client that
    // resets it while the gate is asked (a database read) would raise an 'error' no one hears,
    // which ends the process.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    const url = requestUrl(req, gate);
    // Through a promise: a gate that throws refuses, and never rejects this handler unheard.
    const admitted =
      url !== null &&
      url.pathname === '/events' &&
      (await Promise.resolve()
        .then(() => gate.admitSocket(req, url))
        .catch(() => false as const));
    if (!admitted || socket.destroyed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.removeListener('error', onError);
      sockets.set(ws, { name: admitted.caller?.name, req, url });
      ws.on('close', () => sockets.delete(ws));
      // A client's broken frame or oversized message is an 'error' on this socket (ws closes it
      // itself); unheard, it would end the process.
      ws.on('error', () => ws.terminate());
    });
  });
  const recheck = setInterval(() => {
    for (const [ws, open] of sockets) {
      if (open.name === undefined) continue; // the desktop's token does not change while it runs
      void Promise.resolve()
        .then(() => gate.admitSocket(open.req, open.url))
        .catch(() => false as const)
        .then((again) => {
          if (!again || again.caller?.name !== open.name) ws.close(1008, 'session ended');
        });
    }
  }, recheckMs).unref();
  return {
    broadcast(event: QuireEvent) {
      const text = JSON.stringify(event);
      for (const ws of sockets.keys()) ws.send(text);
    },
    sendTo(account: string, event: QuireEvent) {
      const text = JSON.stringify(event);
      for (const [ws, open] of sockets) if (open.name === account) ws.send(text);
    },
    close() {
      clearInterval(recheck);
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
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const url = requestUrl(req, gate);
    if (!url) return refuse(req, res, 400, { code: 'invalid-request', name: 'RequestError', message: 'not a request URL' });
    // A team server's admission reads its sessions from the database: a promise there. Called
    // inside the chain, so that a gate that throws is answered with 500, not an uncaught error.
    // Its message only to the owner, once admitted (failures.ts).
    let reveal = false;
    Promise.resolve()
      .then(() => gate.admit(req, url))
      .then((admitted) => {
        if (isRefusal(admitted)) return refuse(req, res, admitted.status, admitted.body);
        reveal = gate.revealsFailures === true;
        if (gate.route?.(req, res, url)) return;
        return route(o, staging, req, res, url, admitted.caller, reveal);
      })
      .catch((error) => send(res, 500, failureAnswer(`${req.method} ${url.pathname}`, error, reveal)));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => ok());
  });
  const port = (server.address() as { port: number }).port;
  gate.listening(port);
  const events = eventSockets(server, gate, o.socketRecheckMs ?? 10_000);
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
