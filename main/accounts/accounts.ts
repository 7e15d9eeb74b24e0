// Managing a team server's accounts (`quire user …`) and checking a log-in. Names are kept
// as typed (NFC); a disabled account keeps its name and its edits but cannot sign in, and
// its sessions end at once.
import { isRole, ROLES, type Role } from '../../shared/roles.ts';
import { accounts as ops, countAdmins, deleteSessionsOf, insertUser, listUsers, updateUser, userByName } from '../db/accounts.ts';
import { transaction, type Db } from '../db/execute.ts';
import type { Runner } from '../db/ops.ts';
import { checkNewPassword, hashPassword, NO_USER_HASH, verifyPassword } from './passwords.ts';

export interface Account {
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export function checkRole(role: string): Role {
  if (!isRole(role)) throw new Error(`unknown role ${JSON.stringify(role)}: choose ${ROLES.join(', ')}`);
  return role;
}

function checkName(name: string): string {
  const n = name.normalize('NFC').trim();
  if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(n)) throw new Error(`user name ${JSON.stringify(name)}: 1 to 64 letters, digits, . _ @ or -`);
  // 'me' is the desktop's author of every edit: an account of that name would be confused with it.
  if (n === 'me') throw new Error('user name "me" is the desktop owner\'s: choose another');
  return n;
}

export async function addUser(db: Db, name: string, role: string, password: string): Promise<Account> {
  const n = checkName(name);
  const r = checkRole(role);
  checkNewPassword(password);
  const hash = await hashPassword(password);
  if (userByName(db, n)) throw new Error(`a user named ${n} exists already`);
  insertUser(db, n, r, hash);
  return account(db, n);
}

export const accounts = (db: Db): Account[] => listUsers(db).map(toAccount);

function account(db: Db, name: string): Account {
  const row = userByName(db, name.normalize('NFC'));
  if (!row) throw new Error(`no user named ${name}`);
  return toAccount(row);
}

const toAccount = (r: { name: string; role: Role; disabled: number; created_at: string }): Account => ({
  name: r.name,
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

/** Refuses a change that would leave the project with no admin able to sign in. */
function keepAnAdmin(db: Db, name: string, change: () => void): void {
  transaction(db, () => {
    const before = countAdmins(db);
    change();
    if (before > 0 && countAdmins(db) === 0) throw new Error(`${name} is the last admin: make another admin first`);
  });
}

export function setRole(db: Db, name: string, role: string): Account {
  const r = checkRole(role);
  account(db, name);
  keepAnAdmin(db, name, () => updateUser(db, name.normalize('NFC'), { role: r }));
  return account(db, name);
}

export function setDisabled(db: Db, name: string, disabled: boolean): Account {
  account(db, name);
  keepAnAdmin(db, name, () => {
    updateUser(db, name.normalize('NFC'), { disabled: disabled ? 1 : 0 });
    if (disabled) deleteSessionsOf(db, name.normalize('NFC'));
  });
  return account(db, name);
}

/** A new password ends the user's sessions (a stolen one stops working). */
export async function setPassword(db: Db, name: string, password: string): Promise<Account> {
  account(db, name);
  checkNewPassword(password);
  const hash = await hashPassword(password);
  transaction(db, () => {
    updateUser(db, name.normalize('NFC'), { password_hash: hash });
    deleteSessionsOf(db, name.normalize('NFC'));
  });
  return account(db, name);
}

/** Whether an enabled admin can sign in, on either store (`run`: main/db/ops.ts). */
export const hasAdmin = async (run: Runner): Promise<boolean> => (await run(ops.countAdmins())) > 0;

/** The account if the name and password match an enabled one; the same time is spent either way. Either store. */
export async function checkLogin(run: Runner, name: string, password: string): Promise<Account | null> {
  const row = await run(ops.userByName(name.normalize('NFC')));
  const ok = await verifyPassword(password, row?.password_hash ?? NO_USER_HASH);
  return ok && row && row.disabled === 0 ? toAccount(row) : null;
}
