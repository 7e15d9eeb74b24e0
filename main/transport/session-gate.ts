// A team server's gate (`quire serve`): accounts sign in with a name and password and get a
// session cookie; every API call, upload, image and the event socket then need that session.
// The page, its scripts and the log-in and log-out routes hold no data and need none, so a
// browser can show the log-in form, and drop a cookie whose session has ended.
//
// The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page can
// make the browser send it: with the Origin check, the guard against cross-site requests),
// Path=/, and Secure when the request came over TLS or the server is told it sits behind a
// TLS proxy (--secure-cookies): the proxy speaks plain HTTP to us, so we cannot see it.
// Failed log-ins are limited per user name and per address (rate-limit.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { describeIssues } from '../../shared/zod.ts';
import type { Caller } from '../../shared/roles.ts';
import { AUTH_PATHS, loginSchema, type SignedIn } from '../../shared/session-api.ts';
import { checkLogin } from '../accounts/accounts.ts';
import { FailureLimit } from '../accounts/rate-limit.ts';
import type { Sessions } from '../accounts/sessions.ts';
import type { Runner } from '../db/ops.ts';
import { hostRefusal, type Admission, type Gate, type Refusal, type SocketAdmission } from './gate.ts';
import { failureAnswer } from './failures.ts';
import { readJson, send } from './http-io.ts';

export const COOKIE = 'quire-session';

export interface SessionGateOptions {
  /** The project's store (its folder's SQLite or the server store), for checking a log-in. */
  run: Runner;
  sessions: Sessions;
  /** The address the server listens on. */
  host: string;
  /** Further names it is reached by (a reverse proxy's, e.g. quire.example.org), with a port where not 80/443. */
  publicHosts?: string[];
  /** Mark the cookie Secure although the request came over plain HTTP (behind a TLS proxy). */
  secureCookies?: boolean;
  /** Failed log-ins allowed per user name, and per address, within `failureWindowMs`. */
  maxFailuresPerUser?: number;
  maxFailuresPerAddress?: number;
  failureWindowMs?: number;
  sessionSeconds: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function cookieOf(req: IncomingMessage): string {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return '';
}

/**
 * Runs tasks one after another per key: a task waits for every earlier one that shares a key
 * with it. Holds only the keys of tasks not yet finished.
 */
class OneAtATime {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const earlier = keys.map((k) => this.tails.get(k));
    let done!: () => void;
    const mine = new Promise<void>((ok) => (done = ok));
    for (const k of keys) this.tails.set(k, mine);
    try {
      await Promise.all(earlier);
      return await task();
    } finally {
      done();
      for (const k of keys) if (this.tails.get(k) === mine) this.tails.delete(k);
    }
  }
}

const unauthorized = (message: string): Refusal => ({ status: 401, body: { code: 'unauthorized', name: 'Unauthorized', message } });

export class SessionGate implements Gate {
  origin = '';
  private hosts: string[] = [];
  private readonly perUser: FailureLimit;
  private readonly perAddress: FailureLimit;
  /**
   * Log-ins of one name, or from one address, one at a time: the limit is asked before the
   * password is checked (scrypt, slow) and a failure written after, so attempts sent at once
   * would all pass the check before any failure counted, and guess past the limit. Per process:
   * several server processes on one store each let one attempt of a key through at a time.
   */
  private readonly attempts = new OneAtATime();

  constructor(private readonly o: SessionGateOptions) {
    const window = o.failureWindowMs ?? 15 * 60_000;
    this.perUser = new FailureLimit(o.run, o.maxFailuresPerUser ?? 5, window);
    this.perAddress = new FailureLimit(o.run, o.maxFailuresPerAddress ?? 20, window);
  }

  /** The first public name where there is one (behind a TLS proxy when cookies are Secure). */
  get url(): string {
    const [name] = this.o.publicHosts ?? [];
    return name ? `${this.o.secureCookies ? 'https' : 'http'}://${name}/` : `${this.origin}/`;
  }

  listening(port: number): void {
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    this.origin = `http://${host}:${port}`;
    const own = LOOPBACK.has(this.o.host) ? ['127.0.0.1', 'localhost', '[::1]'] : [host];
    this.hosts = [...own.map((h) => `${h}:${port}`), ...(this.o.publicHosts ?? []).map((h) => h.toLowerCase())];
  }

  /** An Origin, when sent, must be this very host's (under http or https: a TLS proxy's). */
  private originOk(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const host = String(req.headers.host ?? '').toLowerCase();
    return origin === `http://${host}` || origin === `https://${host}`;
  }

  caller(req: IncomingMessage): Promise<Caller | null> {
    return this.o.sessions.caller(cookieOf(req));
  }

  async admit(req: IncomingMessage, url: URL): Promise<Admission> {
    const wrongHost = hostRefusal(req, this.hosts);
    if (wrongHost) return wrongHost;
    if (!this.originOk(req)) return { status: 403, body: { name: 'Forbidden', message: 'requests from other origins are refused' } };
    const path = url.pathname;
    // Log-out is open too: a browser whose session has expired or was ended elsewhere still
    // holds the cookie, and only log-out's answer removes it.
    const open =
      (req.method === 'POST' && (path === AUTH_PATHS.login || path === AUTH_PATHS.logout)) ||
      (req.method === 'GET' && !path.startsWith('/images/') && !path.startsWith('/line-image/'));
    const caller = await this.caller(req);
    if (caller) return { caller };
    if (open) return { caller: undefined };
    return unauthorized('sign in first (your session has ended, or you have not signed in)');
  }

  async admitSocket(req: IncomingMessage): Promise<SocketAdmission> {
    if (hostRefusal(req, this.hosts) !== null || !this.originOk(req)) return false;
    const caller = await this.caller(req);
    return caller !== null && { caller };
  }

  route(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const path = url.pathname;
    const answer = (work: Promise<void>) => {
      work.catch((e) => send(res, 500, failureAnswer(`${req.method} ${path}`, e, false)));
      return true;
    };
    if (req.method === 'POST' && path === AUTH_PATHS.login) return answer(this.logIn(req, res));
    if (req.method === 'POST' && path === AUTH_PATHS.logout)
      return answer(
        (async () => {
          req.resume();
          // Expired first, whatever becomes of the session (unknown, expired, or its end failing).
          res.setHeader('Set-Cookie', this.cookie(req, '', 0));
          await this.o.sessions.end(cookieOf(req));
          send(res, 200, { ok: true });
        })(),
      );
    if (req.method === 'GET' && path === AUTH_PATHS.session)
      return answer(
        (async () => {
          const caller = await this.caller(req);
          if (caller) send(res, 200, caller satisfies SignedIn);
          else send(res, 401, unauthorized('not signed in').body);
        })(),
      );
    return false;
  }

  private cookie(req: IncomingMessage, value: string, maxAge: number): string {
    const secure = this.o.secureCookies || (req.socket as TLSSocket).encrypted === true;
    return `${COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
  }

  private async logIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const read = await readJson(req, res);
    if (!read) return;
    const parsed = loginSchema.safeParse(read.body);
    if (!parsed.success)
      return send(res, 400, { code: 'invalid-request', name: 'RequestError', message: `log-in: ${describeIssues(parsed.error)}` });
    const { name, password } = parsed.data;
    const user = `user:${name.normalize('NFC')}`;
    const address = `address:${req.socket.remoteAddress ?? ''}`;
    return this.attempts.run([user, address], () => this.attempt(req, res, name, password, user, address));
  }

  private async attempt(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    password: string,
    user: string,
    address: string,
  ): Promise<void> {
    const wait = Math.max(await this.perUser.waitMs(user), await this.perAddress.waitMs(address));
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      return send(res, 429, {
        code: 'unauthorized',
        name: 'TooManyAttempts',
        message: `too many failed log-ins: try again in ${Math.ceil(wait / 60_000)} minute(s)`,
      });
    }
    const account = await checkLogin(this.o.run, name, password);
    if (!account) {
      await this.perUser.fail(user);
      await this.perAddress.fail(address);
      return send(res, 401, unauthorized('wrong name or password, or the account is disabled').body);
    }
    await this.perUser.clear(user);
    const token = await this.o.sessions.start(account.name);
    res.setHeader('Set-Cookie', this.cookie(req, token, this.o.sessionSeconds));
    send(res, 200, { name: account.name, role: account.role } satisfies SignedIn);
  }
}
