// Log-in sessions of a team server. The browser holds a random token in a cookie; the
// database holds only its SHA-256, so reading the database (a backup, a copy) opens no
// session. A session ends at log-out, when it expires (a fixed lifetime from log-in), when
// its user is disabled or given a new password (accounts.ts). The store is either the
// project folder's SQLite or the server store (a Runner, main/db/ops.ts), so every answer is
// a promise.
import { createHash, randomBytes } from 'node:crypto';
import type { Caller } from '../../shared/roles.ts';
import { accounts } from '../db/accounts.ts';
import type { Runner } from '../db/ops.ts';

export const DEFAULT_SESSION_HOURS = 12;
/** last_seen_at is written at most this often per session: not a write per request. */
const TOUCH_MS = 60_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class Sessions {
  constructor(
    private readonly run: Runner,
    private readonly lifetimeMs = DEFAULT_SESSION_HOURS * 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session's token for this user (who must exist). */
  async start(name: string): Promise<string> {
    const user = await this.run(accounts.userByName(name));
    if (!user) throw new Error(`no user named ${name}`);
    await this.run(accounts.deleteExpiredSessions(new Date(this.now()).toISOString()));
    const token = randomBytes(32).toString('base64url');
    await this.run(accounts.insertSession(hashOf(token), user.id, new Date(this.now() + this.lifetimeMs).toISOString()));
    return token;
  }

  /** Who holds this token, or null: unknown, expired, or the account disabled. */
  async caller(token: string): Promise<Caller | null> {
    if (!token) return null;
    const s = await this.run(accounts.sessionByHash(hashOf(token)));
    const now = this.now();
    if (!s || s.disabled === 1) return null;
    if (Date.parse(s.expires_at) <= now) {
      await this.run(accounts.deleteSession(hashOf(token)));
      return null;
    }
    if (now - Date.parse(s.last_seen_at) > TOUCH_MS) await this.run(accounts.touchSession(s.id, new Date(now).toISOString()));
    return { name: s.name, role: s.role };
  }

  async end(token: string): Promise<void> {
    if (token) await this.run(accounts.deleteSession(hashOf(token)));
  }
}
