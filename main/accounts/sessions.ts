// Log-in sessions of a team server. The browser holds a random token in a cookie; the
// database holds only its SHA-256, so reading the database (a backup, a copy) opens no
// session. A session ends at log-out, when it expires (a fixed lifetime from log-in), when
// its user is disabled or given a new password (accounts.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { Caller } from '../../shared/roles.ts';
import { deleteExpiredSessions, deleteSession, insertSession, sessionByHash, touchSession, userByName } from '../db/accounts.ts';
import type { Db } from '../db/execute.ts';

export const DEFAULT_SESSION_HOURS = 12;
/** last_seen_at is written at most this often per session: not a write per request. */
const TOUCH_MS = 60_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class Sessions {
  constructor(
    private readonly db: () => Db,
    private readonly lifetimeMs = DEFAULT_SESSION_HOURS * 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session's token for this user (who must exist). */
  start(name: string): string {
    const db = this.db();
    const user = userByName(db, name);
    if (!user) throw new Error(`no user named ${name}`);
    deleteExpiredSessions(db, new Date(this.now()).toISOString());
    const token = randomBytes(32).toString('base64url');
    insertSession(db, hashOf(token), user.id, new Date(this.now() + this.lifetimeMs).toISOString());
    return token;
  }

  /** Who holds this token, or null: unknown, expired, or the account disabled. */
  caller(token: string): Caller | null {
    if (!token) return null;
    const db = this.db();
    const s = sessionByHash(db, hashOf(token));
    const now = this.now();
    if (!s || s.disabled === 1) return null;
    if (Date.parse(s.expires_at) <= now) {
      deleteSession(db, hashOf(token));
      return null;
    }
    if (now - Date.parse(s.last_seen_at) > TOUCH_MS) touchSession(db, s.id, new Date(now).toISOString());
    return { name: s.name, role: s.role };
  }

  end(token: string): void {
    if (token) deleteSession(this.db(), hashOf(token));
  }
}
