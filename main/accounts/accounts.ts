// Managing a team server's accounts (`quire user …`) and checking a log-in. Names are kept
// as typed (NFC); a disabled account keeps its name and its edits but cannot sign in, and
// its sessions end at once. Written once as store-neutral programs (main/db/ops.ts,
// `accountAdmin`), run on a project folder's database or on a server store (`quire user
// … postgres://…`), with the desktop's functions of a Db below.
import { isRole, ROLES, type Role } from '../../shared/roles.ts';
import { accounts as ops } from '../db/accounts.ts';
import { desktopRunner, perform, type Db } from '../db/execute.ts';
import { step, transaction, type Program, type Runner } from '../db/ops.ts';
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

function* accountOp(name: string): Program<Account> {
  const row = yield* step(ops.userByName(name.normalize('NFC')));
  if (!row) throw new Error(`no user named ${name}`);
  return toAccount(row);
}

const toAccount = (r: { name: string; role: Role; disabled: number; created_at: string }): Account => ({
  name: r.name,
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

function* addUserOp(name: string, role: Role, passwordHash: string): Program<Account> {
  if (yield* step(ops.userByName(name))) throw new Error(`a user named ${name} exists already`);
  yield* step(ops.insertUser(name, role, passwordHash));
  return yield* accountOp(name);
}

function* accountsOp(): Program<Account[]> {
  return (yield* step(ops.listUsers())).map(toAccount);
}

/** Refuses a change that would leave the project with no admin able to sign in. */
function* keepAnAdmin(name: string, change: () => Program<void>): Program<void> {
  yield* step(
    transaction(function* () {
      const before = yield* step(ops.countAdmins());
      yield* change();
      if (before > 0 && (yield* step(ops.countAdmins())) === 0) throw new Error(`${name} is the last admin: make another admin first`);
    }),
  );
}

function* setRoleOp(name: string, role: string): Program<Account> {
  const r = checkRole(role);
  yield* accountOp(name);
  yield* keepAnAdmin(name, function* () {
    yield* step(ops.updateUser(name.normalize('NFC'), { role: r }));
  });
  return yield* accountOp(name);
}

function* setDisabledOp(name: string, disabled: boolean): Program<Account> {
  yield* accountOp(name);
  yield* keepAnAdmin(name, function* () {
    yield* step(ops.updateUser(name.normalize('NFC'), { disabled: disabled ? 1 : 0 }));
    if (disabled) yield* step(ops.deleteSessionsOf(name.normalize('NFC')));
  });
  return yield* accountOp(name);
}

/** A new password ends the user's sessions (a stolen one stops working). */
function* setPasswordOp(name: string, passwordHash: string): Program<Account> {
  yield* accountOp(name);
  yield* step(
    transaction(function* () {
      yield* step(ops.updateUser(name.normalize('NFC'), { password_hash: passwordHash }));
      yield* step(ops.deleteSessionsOf(name.normalize('NFC')));
    }),
  );
  return yield* accountOp(name);
}

/** Managing the accounts, for either store: list, set-role, disable and enable as programs; add and passwd hash first. */
export const accountAdmin = {
  list: accountsOp,
  setRole: setRoleOp,
  setDisabled: setDisabledOp,
  /** Checks the name, role and password, hashes it (slow: scrypt), then adds the account on `run`'s store. */
  async add(run: Runner, name: string, role: string, password: string): Promise<Account> {
    const n = checkName(name);
    const r = checkRole(role);
    checkNewPassword(password);
    const hash = await hashPassword(password);
    return run(addUserOp(n, r, hash));
  },
  async setPassword(run: Runner, name: string, password: string): Promise<Account> {
    await run(accountOp(name));
    checkNewPassword(password);
    return run(setPasswordOp(name, await hashPassword(password)));
  },
};

export const addUser = (db: Db, name: string, role: string, password: string): Promise<Account> =>
  accountAdmin.add(
    desktopRunner(() => db),
    name,
    role,
    password,
  );

export const accounts = (db: Db): Account[] => perform(db, accountsOp());

export const setRole = (db: Db, name: string, role: string): Account => perform(db, setRoleOp(name, role));

export const setDisabled = (db: Db, name: string, disabled: boolean): Account => perform(db, setDisabledOp(name, disabled));

export const setPassword = (db: Db, name: string, password: string): Promise<Account> =>
  accountAdmin.setPassword(
    desktopRunner(() => db),
    name,
    password,
  );

/** Whether an enabled admin can sign in, on either store (`run`: main/db/ops.ts). */
export const hasAdmin = async (run: Runner): Promise<boolean> => (await run(ops.countAdmins())) > 0;

/** The account if the name and password match an enabled one; the same time is spent either way. Either store. */
export async function checkLogin(run: Runner, name: string, password: string): Promise<Account | null> {
  const row = await run(ops.userByName(name.normalize('NFC')));
  const ok = await verifyPassword(password, row?.password_hash ?? NO_USER_HASH);
  return ok && row && row.disabled === 0 ? toAccount(row) : null;
}
