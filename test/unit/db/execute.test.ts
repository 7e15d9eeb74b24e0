// The executor of the data layer: Kysely compiles, better-sqlite3 runs synchronously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../../main/db/database.ts';
import { all, first, qb, run, template, transaction } from '../../../main/db/execute.ts';
import { tempDir } from '../../helpers/project.ts';

test('built and raw queries run; run reports changes and the new id; first of nothing is undefined', () => {
  const db = openDatabase(':memory:');
  const a = run(db, qb.insertInto('settings').values({ key: 'a', value: '1' }));
  assert.equal(a.changes, 1);
  run(db, qb.insertInto('settings').values({ key: 'b', value: '2' }));
  assert.deepEqual(all(db, qb.selectFrom('settings').select(['key', 'value']).orderBy('key')), [
    { key: 'a', value: '1' },
    { key: 'b', value: '2' },
  ]);
  assert.equal(first(db, qb.selectFrom('settings').select('key').where('key', '=', 'z')), undefined);
  assert.deepEqual(first(db, sql<{ n: number }>`SELECT count(*) AS n FROM settings`), { n: 2 });
  assert.equal(run(db, qb.deleteFrom('settings')).changes, 2);
  db.close();
});

test('a transaction commits all its statements or, when it throws, none', () => {
  const db = openDatabase(':memory:');
  const count = () =>
    first(
      db,
      qb.selectFrom('settings').select((eb) => eb.fn.countAll<number>().as('n')),
    )!.n;
  assert.throws(() =>
    transaction(db, () => {
      run(db, qb.insertInto('settings').values({ key: 'a', value: '1' }));
      throw new Error('stop');
    }),
  );
  assert.equal(count(), 0);
  assert.equal(
    transaction(db, () => {
      run(db, qb.insertInto('settings').values({ key: 'a', value: '1' }));
      // Nested: a savepoint inside the outer transaction.
      transaction(db, () => run(db, qb.insertInto('settings').values({ key: 'b', value: '2' })));
      return 'done';
    }),
    'done',
  );
  assert.equal(count(), 2);
  db.close();
});

test('the builder cannot execute by itself: the app runs queries only through the synchronous executor', async () => {
  // DummyDriver: execution through Kysely returns no rows.
  assert.deepEqual(await qb.selectFrom('settings').selectAll().execute(), []);
});

test('a template compiles once and runs with each call’s values', () => {
  const db = openDatabase(':memory:');
  const put = template<{ key: string; value: string }>((p) => qb.insertInto('settings').values({ key: p('key'), value: p('value') }));
  assert.equal(put({ key: 'a', value: '1' }).sql, put({ key: 'b', value: '2' }).sql);
  for (const [key, value] of [
    ['a', '1'],
    ['b', '2'],
  ])
    run(db, put({ key, value }));
  assert.deepEqual(all(db, qb.selectFrom('settings').select(['key', 'value']).orderBy('key')), [
    { key: 'a', value: '1' },
    { key: 'b', value: '2' },
  ]);
  db.close();
});

test('a transaction that reads and then writes is not failed by another connection committing in between (IMMEDIATE)', () => {
  const path = join(tempDir(), 'q.db');
  const db = openDatabase(path);
  const other = openDatabase(path);
  other.pragma('busy_timeout = 0');
  let otherWaited = false;
  transaction(db, () => {
    first(db, qb.selectFrom('settings').select('key'));
    try {
      run(other, qb.insertInto('settings').values({ key: 'other', value: '1' }));
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'SQLITE_BUSY');
      otherWaited = true;
    }
    // Deferred, this write would fail with SQLITE_BUSY_SNAPSHOT had the other commit gone in.
    run(db, qb.insertInto('settings').values({ key: 'mine', value: '1' }));
  });
  assert.ok(otherWaited, 'the other writer waits for the transaction');
  assert.deepEqual(all(db, qb.selectFrom('settings').select('key')), [{ key: 'mine' }]);
  other.close();
  db.close();
});
