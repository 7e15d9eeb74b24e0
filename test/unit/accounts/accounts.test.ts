// Accounts of a team server: password hashes, the last-admin rule, sessions that expire or
// end with a disabled account or a new password, and the limit on failed log-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, accounts, checkLogin, hasAdmin, setDisabled, setPassword, setRole } from '../../../main/accounts/accounts.ts';
import { hashPassword, verifyPassword } from '../../../main/accounts/passwords.ts';
import { FailureLimit } from '../../../main/accounts/rate-limit.ts';
import { Sessions } from '../../../main/accounts/sessions.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { newProject } from '../../helpers/project.ts';

test('a password is stored as a salted scrypt hash: two hashes of one password differ, and only it matches', async () => {
  const [a, b] = [await hashPassword('correct horse'), await hashPassword('correct horse')];
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(a, b, 'each hash has its own salt');
  assert.ok(!a.includes('correct horse'));
  assert.equal(await verifyPassword('correct horse', a), true);
  assert.equal(await verifyPassword('correct hors', a), false);
  assert.equal(await verifyPassword('correct horse', 'garbage'), false);
});

test('users: names unique, roles checked, short passwords refused; log-in checks the password and the disabled flag', async () => {
  const project = newProject();
  const db = project.db;
  assert.equal(await hasAdmin(desktopRunner(() => db)), false);
  await addUser(db, 'ada', 'admin', 'password-1');
  await addUser(db, 'tom', 'transcriber', 'password-2');
  assert.equal(await hasAdmin(desktopRunner(() => db)), true);
  await assert.rejects(addUser(db, 'ada', 'reviewer', 'password-3'), /a user named ada exists already/);
  await assert.rejects(addUser(db, 'eve', 'boss', 'password-3'), /unknown role "boss": choose transcriber, reviewer, admin/);
  await assert.rejects(addUser(db, 'eve', 'reviewer', 'short'), /at least 8 characters/);
  await assert.rejects(addUser(db, 'me', 'reviewer', 'password-3'), /desktop owner/);
  assert.deepEqual(
    accounts(db).map((a) => [a.name, a.role, a.disabled]),
    [
      ['ada', 'admin', false],
      ['tom', 'transcriber', false],
    ],
  );
  assert.deepEqual(
    await checkLogin(
      desktopRunner(() => db),
      'tom',
      'password-2',
    ),
    { ...accounts(db)[1] },
  );
  assert.equal(
    await checkLogin(
      desktopRunner(() => db),
      'tom',
      'password-1',
    ),
    null,
  );
  assert.equal(
    await checkLogin(
      desktopRunner(() => db),
      'nobody',
      'password-2',
    ),
    null,
  );
  setDisabled(db, 'tom', true);
  assert.equal(
    await checkLogin(
      desktopRunner(() => db),
      'tom',
      'password-2',
    ),
    null,
    'a disabled account cannot sign in',
  );
  project.close();
});

test('the last admin can be neither demoted nor disabled', async () => {
  const project = newProject();
  await addUser(project.db, 'ada', 'admin', 'password-1');
  assert.throws(() => setRole(project.db, 'ada', 'reviewer'), /ada is the last admin/);
  assert.throws(() => setDisabled(project.db, 'ada', true), /last admin/);
  await addUser(project.db, 'bob', 'admin', 'password-2');
  assert.equal(setRole(project.db, 'ada', 'reviewer').role, 'reviewer');
  project.close();
});

test('sessions: a token opens its session until it expires, is ended, or its user is disabled or given a new password', async () => {
  const project = newProject();
  await addUser(project.db, 'ada', 'admin', 'password-1');
  await addUser(project.db, 'tom', 'transcriber', 'password-2');
  let now = Date.parse('2026-01-01T00:00:00Z');
  const sessions = new Sessions(
    desktopRunner(() => project.db),
    60_000,
    () => now,
  );
  const token = await sessions.start('tom');
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await sessions.caller(token), { name: 'tom', role: 'transcriber' });
  const stored = project.db.prepare('SELECT token_hash FROM sessions').all() as Array<{ token_hash: string }>;
  assert.ok(
    stored.every((s) => s.token_hash !== token && /^[0-9a-f]{64}$/.test(s.token_hash)),
    'only the hash is stored',
  );
  assert.equal(await sessions.caller(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), null);
  now += 60_000;
  assert.equal(await sessions.caller(token), null, 'expired');

  const second = await sessions.start('tom');
  setDisabled(project.db, 'tom', true);
  assert.equal(await sessions.caller(second), null, 'disabled');
  setDisabled(project.db, 'tom', false);
  const third = await sessions.start('tom');
  await setPassword(project.db, 'tom', 'password-9');
  assert.equal(await sessions.caller(third), null, 'a new password ends the sessions');
  const fourth = await sessions.start('tom');
  await sessions.end(fourth);
  assert.equal(await sessions.caller(fourth), null, 'logged out');
  project.close();
});

test('failed log-ins: a key is refused after max failures until the oldest leaves the window, counted in the store by every process on it', async () => {
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const start = now;
  const project = newProject();
  const run = desktopRunner(() => project.db);
  const limit = new FailureLimit(run, 3, 1000, () => now);
  // Another server process on the same store: it counts the same failures.
  const other = new FailureLimit(run, 3, 1000, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(await limit.waitMs('u'), 0);
    await (i % 2 ? other : limit).fail('u');
    now += 100;
  }
  assert.equal(await limit.waitMs('u'), 700, 'the first failure (t=0) leaves the window at t=1000');
  assert.equal(await other.waitMs('u'), 700, 'the other process refuses it too');
  assert.equal(await limit.waitMs('v'), 0, 'other keys are not affected');
  now = start + 1000;
  assert.equal(await limit.waitMs('u'), 0);
  assert.equal(
    (project.db.prepare('SELECT count(*) AS n FROM login_failures').get() as { n: number }).n,
    2,
    'the failure out of the window is forgotten',
  );
  await limit.fail('u');
  await other.clear('u');
  assert.equal(await limit.waitMs('u'), 0);
  project.close();
});
