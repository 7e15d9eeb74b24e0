// Accounts of a team server and their sessions. Times are ISO 8601 text chosen by the caller
// (not the database's clock), so expiry reads the same on SQLite and PostgreSQL.
import { first, all, qb, run, type Db } from './execute.ts';
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

export const insertUser = (db: Db, name: string, role: UserRole, passwordHash: string): number =>
  run(db, qb.insertInto('users').values({ name, role, password_hash: passwordHash })).lastId;

export const userByName = (db: Db, name: string): UserRow | undefined =>
  first(db, qb.selectFrom('users').selectAll().where('name', '=', name));

export const listUsers = (db: Db): UserRow[] => all(db, qb.selectFrom('users').selectAll().orderBy('name'));

export const countAdmins = (db: Db): number =>
  first(
    db,
    qb
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0),
  )!.n;

/** Changes a user's fields; answers whether the user exists. */
export const updateUser = (db: Db, name: string, change: Partial<Pick<UserRow, 'role' | 'password_hash' | 'disabled'>>): boolean =>
  run(db, qb.updateTable('users').set(change).where('name', '=', name)).changes > 0;

export const insertSession = (db: Db, tokenHash: string, userId: number, expiresAt: string): number =>
  run(db, qb.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt })).lastId;

/** The session with this token hash and its user. */
export const sessionByHash = (db: Db, tokenHash: string) =>
  first(
    db,
    qb
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id', 's.expires_at', 's.last_seen_at', 'u.name', 'u.role', 'u.disabled'])
      .where('s.token_hash', '=', tokenHash),
  );

export const touchSession = (db: Db, id: number, at: string): void => {
  run(db, qb.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id));
};

export const deleteSession = (db: Db, tokenHash: string): void => {
  run(db, qb.deleteFrom('sessions').where('token_hash', '=', tokenHash));
};

/** Ends every session of a user (disabled, or a new password). */
export const deleteSessionsOf = (db: Db, name: string): void => {
  run(db, qb.deleteFrom('sessions').where('user_id', 'in', qb.selectFrom('users').select('id').where('name', '=', name)));
};

export const deleteExpiredSessions = (db: Db, now: string): void => {
  run(db, qb.deleteFrom('sessions').where('expires_at', '<=', now));
};
