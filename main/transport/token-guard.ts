// Desktop browser mode's guard (`npm start` without Electron): every request for data must
// carry the per-launch token, as the header x-quire-token (API calls, uploads) or as ?token=
// (image URLs and the event socket, which cannot send headers). The page keeps the token from
// its printed URL in sessionStorage, per tab and per launch: a cookie would be sent by the
// browser to every server on 127.0.0.1 (cookies ignore the port), and a second Quire would
// overwrite it. The app's scripts and styles (/assets/) hold no data and are served without
// the token (a module script cannot send it); the page itself needs it in its URL.
// Requests from another Origin are refused, so other web pages cannot drive the API, and
// so is any Host but this server's loopback address and port (DNS rebinding).
// A team server (`quire serve`) puts session-gate.ts in its place.
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Gate, Admission, SocketAdmission } from './gate.ts';
import { hostRefusal } from './gate.ts';

export class TokenGuard implements Gate {
  origin = '';
  /** Only the owner holds the launch token: a failure's message helps them, on their machine. */
  readonly revealsFailures = true;
  private hosts: string[] = [];
  // The page may be opened as http://localhost:PORT as well as http://127.0.0.1:PORT: both are
  // this server on this machine, and no other page can send either Origin.
  private origins: string[] = [];

  constructor(readonly token: string) {}

  listening(port: number): void {
    this.origin = `http://127.0.0.1:${port}`;
    this.hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    this.origins = this.hosts.map((h) => `http://${h}`);
  }

  get url(): string {
    return `${this.origin}/?token=${this.token}`;
  }

  private matches(given: string): boolean {
    // Lengths compared in bytes: a given token of as many characters, one of them not ASCII,
    // has more bytes, and timingSafeEqual throws on buffers of unequal length.
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private tokenOk(req: IncomingMessage, url: URL): boolean {
    return [String(req.headers['x-quire-token'] ?? ''), url.searchParams.get('token') ?? ''].some((t) => this.matches(t));
  }

  private originOk(req: IncomingMessage): boolean {
    return req.headers.origin === undefined || this.origins.includes(req.headers.origin);
  }

  admit(req: IncomingMessage, url: URL): Admission {
    const wrongHost = hostRefusal(req, this.hosts);
    if (wrongHost) return wrongHost;
    if (!this.originOk(req)) return { status: 403, body: { name: 'Forbidden', message: 'requests from other origins are refused' } };
    const asset = req.method === 'GET' && url.pathname.startsWith('/assets/');
    if (!asset && !this.tokenOk(req, url)) return { status: 401, body: { name: 'Unauthorized', message: 'missing or wrong token' } };
    return { caller: undefined };
  }

  admitSocket(req: IncomingMessage, url: URL): SocketAdmission {
    return hostRefusal(req, this.hosts) === null && this.originOk(req) && this.tokenOk(req, url) && { caller: undefined };
  }
}
