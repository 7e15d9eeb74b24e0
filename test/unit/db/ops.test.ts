// Store-neutral operations (main/db/ops.ts) on both stores: statements, programs that compute
// between statements, errors thrown back into a program, transactions that roll back whole,
// and the account operations (the team server's users and sessions) compared call by call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accounts } from '../../../main/db/accounts.ts';
import { onDesktop, perform, qb } from '../../../main/db/execute.ts';
import { all, first, map, run, step, transaction, type Program } from '../../../main/db/ops.ts';
import { onServer, performPg } from '../../../main/db/pg/execute.ts';
import { bothStores } from '../../helpers/both-stores.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

const keys = () => map(all(qb.selectFrom('settings').select('key').orderBy('key')), (rows) => rows.map((r) => r.key));
const put = (key: string) => run(qb.insertInto('settings').values({ key, value: '1' }));

test(
  'programs compute between statements; a failed statement is thrown into the program; a transaction rolls back whole',
  { skip },
  async () => {
    const s = await bothStores(await database());
    try {
      function* putUnlessThere(key: string): Program<string> {
        const there = yield* step(first(qb.selectFrom('settings').select('key').where('key', '=', key)));
        if (there) return 'kept';
        yield* step(put(key));
        return 'added';
      }
      assert.equal(await s.both('add', () => putUnlessThere('a')), 'added');
      assert.equal(await s.both('keep', () => putUnlessThere('a')), 'kept');
      function* caught(): Program<string> {
        try {
          yield* step(put('a'));
          return 'inserted twice';
        } catch {
          yield* step(put('b'));
          return 'caught';
        }
      }
      assert.equal(await s.both('a duplicate key caught by the program', caught), 'caught');
      await assert.rejects(
        s.both('a transaction that fails half-way', () =>
          transaction(function* () {
            yield* step(put('c'));
            yield* step(put('a'));
          }),
        ),
      );
      assert.deepEqual(await s.both('keys', keys), ['a', 'b'], 'c was rolled back');
      // The one difference: a program is one transaction on the server (nothing interleaves with
      // it, as nothing can with the desktop's synchronous run), so a program that fails half-way
      // leaves nothing there, and on the desktop what it wrote before failing, as always.
      const failing = function* () {
        yield* step(put('d'));
        throw new Error('stop');
      };
      assert.throws(() => perform(s.db, failing()), /stop/);
      await assert.rejects(performPg(s.store, failing()), /stop/);
      assert.deepEqual(
        [perform(s.db, keys()), await performPg(s.store, keys())],
        [
          ['a', 'b', 'd'],
          ['a', 'b'],
        ],
      );
    } finally {
      await s.close();
    }
  },
);

test('every account operation answers the same on both stores', { skip }, async () => {
  const s = await bothStores(await database());
  const a = accounts;
  try {
    const ann = await s.both('insert ann', () => a.insertUser('ann', 'admin', 'h1'));
    await s.both('insert bob', () => a.insertUser('bob', 'transcriber', 'h2'));
    await assert.rejects(s.both('a name taken', () => a.insertUser('ann', 'reviewer', 'h3')));
    assert.equal((await s.both('ann', () => a.userByName('ann')))?.role, 'admin');
    assert.equal(await s.both('nobody', () => a.userByName('zoe')), undefined);
    assert.deepEqual(
      (await s.both('list', () => a.listUsers())).map((u) => u.name),
      ['ann', 'bob'],
    );
    assert.equal(await s.both('admins', () => a.countAdmins()), 1);
    assert.equal(await s.both('promote bob', () => a.updateUser('bob', { role: 'admin', disabled: 1 })), true);
    assert.equal(await s.both('no such user', () => a.updateUser('zoe', { role: 'admin' })), false);
    assert.equal(await s.both('a disabled admin is not counted', () => a.countAdmins()), 1);
    const session = await s.both('session', () => a.insertSession('t1', ann, '2030-01-01T00:00:00.000Z'));
    await s.both('old session', () => a.insertSession('t2', ann, '2020-01-01T00:00:00.000Z'));
    await s.both('touch', () => a.touchSession(session, '2029-06-01T00:00:00.000Z'));
    assert.deepEqual(await s.both('by hash', () => a.sessionByHash('t1')), {
      id: session,
      expires_at: '2030-01-01T00:00:00.000Z',
      last_seen_at: '2029-06-01T00:00:00.000Z',
      name: 'ann',
      role: 'admin',
      disabled: 0,
    });
    await s.both('expire', () => a.deleteExpiredSessions('2025-01-01T00:00:00.000Z'));
    assert.equal(await s.both('expired', () => a.sessionByHash('t2')), undefined);
    await s.both('log out', () => a.deleteSession('t1'));
    // SQLite gives a new row max(id) + 1, PostgreSQL the sequence's next: ids after a delete differ.
    await s.both('session 3', () => map(a.insertSession('t3', ann, '2030-01-01T00:00:00.000Z'), (id) => id > 0));
    await s.both('end ann’s sessions', () => a.deleteSessionsOf('ann'));
    assert.equal(await s.both('ended', () => a.sessionByHash('t3')), undefined);
    // The functions of a store that onDesktop and onServer make of the operations.
    assert.equal(onDesktop(accounts).userByName(s.db, 'bob')?.role, 'admin');
    assert.equal((await onServer(accounts).userByName(s.store, 'bob'))?.role, 'admin');
  } finally {
    await s.close();
  }
});

test('an operation is no thenable: an async function may answer one, and awaiting it gives it back', async () => {
  const op = accounts.userByName('ann');
  const answered = await (async () => op)();
  assert.equal(answered, op);
});
