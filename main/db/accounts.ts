// Accounts of a team server and their sessions. Times are ISO 8601 text chosen by the caller
// (not the database's clock), so expiry reads the same on SQLite and PostgreSQL.
// Store-neutral (ops.ts): `accounts` are the operations, run on either store by the programs
// of main/accounts (accounts.ts, sessions.ts).
import { qb } from './execute.ts';
import { all, changed, first, lastId, map, none, run } from './ops.ts';
import type { UsersTable } from './schema.ts';

export type UserRole = UsersTable['role'];

export interface UserRow {
  id: number;
  name: string;
  role: UserRole;
  password_hash: string;
  disabled: number;
  created_at: string;
}

export const accounts = {
  insertUser: (name: string, role: UserRole, passwordHash: string) =>
    map(run(qb.insertInto('users').values({ name, role, password_hash: passwordHash })), lastId),

  userByName: (name: string) => first<UserRow>(qb.selectFrom('users').selectAll().where('name', '=', name)),

  listUsers: () => all<UserRow>(qb.selectFrom('users').selectAll().orderBy('name')),

  countAdmins: () =>
    map(
      first(
        qb
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('role', '=', 'admin')
          .where('disabled', '=', 0),
      ),
      (r) => r!.n,
    ),

  /** Changes a user's fields; answers whether the user exists. */
  updateUser: (name: string, change: Partial<Pick<UserRow, 'role' | 'password_hash' | 'disabled'>>) =>
    map(run(qb.updateTable('users').set(change).where('name', '=', name)), changed),

  insertSession: (tokenHash: string, userId: number, expiresAt: string) =>
    map(run(qb.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt })), lastId),

  /** The session with this token hash and its user. */
  sessionByHash: (tokenHash: string) =>
    first(
      qb
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['s.id', 's.expires_at', 's.last_seen_at', 'u.name', 'u.role', 'u.disabled'])
        .where('s.token_hash', '=', tokenHash),
    ),

  touchSession: (id: number, at: string) => none(run(qb.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id))),

  deleteSession: (tokenHash: string) => none(run(qb.deleteFrom('sessions').where('token_hash', '=', tokenHash))),

  /** Ends every session of a user (disabled, or a new password). */
  deleteSessionsOf: (name: string) =>
    none(run(qb.deleteFrom('sessions').where('user_id', 'in', qb.selectFrom('users').select('id').where('name', '=', name)))),

  deleteExpiredSessions: (now: string) => none(run(qb.deleteFrom('sessions').where('expires_at', '<=', now))),

  /** The key's failed log-ins since `since` (ISO 8601), oldest first. */
  failuresSince: (key: string, since: string) =>
    map(
      all(qb.selectFrom('login_failures').select('failed_at').where('key', '=', key).where('failed_at', '>', since).orderBy('failed_at')),
      (rows) => rows.map((r) => r.failed_at),
    ),

  insertFailure: (key: string, at: string) => none(run(qb.insertInto('login_failures').values({ key, failed_at: at }))),

  clearFailures: (key: string) => none(run(qb.deleteFrom('login_failures').where('key', '=', key))),

  /** Forgets every failure at or before `before`: out of every window. */
  forgetFailures: (before: string) => none(run(qb.deleteFrom('login_failures').where('failed_at', '<=', before))),
};
