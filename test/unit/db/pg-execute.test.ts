// The server store's executor and migrations on a real PostgreSQL (skipped where it is not
// installed): the query modules' builders compiled for PostgreSQL, run asynchronously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../main/db/database.ts';
import * as lite from '../../../main/db/execute.ts';
import { now, qb, template } from '../../../main/db/execute.ts';
import { all, first, run, transaction } from '../../../main/db/pg/execute.ts';
import { PG_MIGRATIONS } from '../../../main/db/pg/migrations.ts';
import { openServerStore, schemaVersionPg } from '../../../main/db/pg/store.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

test('built, raw and template queries run; run reports changes and the new id; ids come back as numbers', { skip }, async () => {
  const store = await openServerStore(await database());
  try {
    const a = await run(store, qb.insertInto('documents').values({ name: 'a', kind: 'scan', source_path: '/a', source_hash: 'ha' }));
    const b = await run(store, qb.insertInto('documents').values({ name: 'b', kind: 'lines', source_path: '/b', source_hash: 'hb' }));
    assert.deepEqual(
      [a, b],
      [
        { changes: 1, lastId: 1 },
        { changes: 1, lastId: 2 },
      ],
    );
    // A table without an id (settings): no RETURNING is added, lastId is 0.
    assert.deepEqual(await run(store, qb.insertInto('settings').values({ key: 'k', value: '1' })), { changes: 1, lastId: 0 });
    const rows = await all(store, qb.selectFrom('documents').select(['id', 'name', 'created_at']).orderBy('id'));
    assert.deepEqual(
      rows.map((r) => [r.id, r.name]),
      [
        [1, 'a'],
        [2, 'b'],
      ],
    );
    assert.match(rows[0].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'the same text timestamp as SQLite’s strftime default');
    assert.equal(await first(store, qb.selectFrom('documents').select('id').where('name', '=', 'z')), undefined);
    assert.deepEqual(await first(store, sql<{ n: number }>`SELECT count(*) AS n FROM documents`), { n: 2 }, 'count(*) is a number');
    const put = template<{ key: string; value: string }>((p) => qb.insertInto('settings').values({ key: p('key'), value: p('value') }));
    await run(store, put({ key: 'x', value: '"one"' }));
    await run(store, put({ key: 'y', value: '"two"' }));
    assert.deepEqual(await all(store, qb.selectFrom('settings').select(['key', 'value']).where('key', 'in', ['x', 'y']).orderBy('key')), [
      { key: 'x', value: '"one"' },
      { key: 'y', value: '"two"' },
    ]);
    assert.equal((await run(store, qb.deleteFrom('settings'))).changes, 3);
  } finally {
    await store.end();
  }
});

test('a transaction commits all its statements or none; a nested one is a savepoint', { skip }, async () => {
  const store = await openServerStore(await database());
  const count = async () =>
    (await first(
      store,
      qb.selectFrom('settings').select((eb) => eb.fn.countAll<number>().as('n')),
    ))!.n;
  try {
    await assert.rejects(
      transaction(store, async (tx) => {
        await run(tx, qb.insertInto('settings').values({ key: 'a', value: '1' }));
        throw new Error('stop');
      }),
      /stop/,
    );
    assert.equal(await count(), 0);
    const result = await transaction(store, async (tx) => {
      await run(tx, qb.insertInto('settings').values({ key: 'a', value: '1' }));
      await assert.rejects(
        transaction(tx, async () => {
          await run(tx, qb.insertInto('settings').values({ key: 'b', value: '2' }));
          await run(tx, qb.insertInto('settings').values({ key: 'a', value: 'duplicate' }));
        }),
        /duplicate key/,
      );
      await transaction(tx, () => run(tx, qb.insertInto('settings').values({ key: 'c', value: '3' })));
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(
      (await all(store, qb.selectFrom('settings').select('key').orderBy('key'))).map((r) => r.key),
      ['a', 'c'],
      'the failed savepoint alone was rolled back',
    );
  } finally {
    await store.end();
  }
});

test('migrations are recorded, each in its own transaction; a newer database is refused', { skip }, async () => {
  const url = await database();
  await assert.rejects(openServerStore(url, { existing: true }), /holds no Quire project \(no quire_schema table\)/);
  const store = await openServerStore(url);
  assert.equal(await schemaVersionPg(store), PG_MIGRATIONS.length);
  await store.end();
  await assert.rejects(
    openServerStore(url, { migrations: [...PG_MIGRATIONS, 'CREATE TABLE extra (x int)', 'THIS IS NOT SQL'] }),
    /syntax error/,
  );
  const again = await openServerStore(url, { migrations: [...PG_MIGRATIONS, 'CREATE TABLE extra (x int)'] });
  assert.equal(await schemaVersionPg(again), PG_MIGRATIONS.length + 1, 'the migration before the failing one stays');
  await again.end();
  const n = PG_MIGRATIONS.length;
  await assert.rejects(
    openServerStore(url),
    new RegExp(`schema version ${n + 1}, newer than this Quire understands \\(${n}\\); update Quire`),
  );
});

test('`now` is the time in SQLite’s text format on both stores, in built, template and raw queries', { skip }, async () => {
  const store = await openServerStore(await database());
  const db = openDatabase(':memory:');
  const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  const upsert = (key: string, value: string) =>
    qb
      .insertInto('settings')
      .values({ key, value, updated_at: '2000-01-01T00:00:00.000Z' })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: now }));
  const touch = template<{ key: string }>((p) => qb.updateTable('settings').set({ updated_at: now }).where('key', '=', p('key')));
  const read = qb.selectFrom('settings').select(['key', 'updated_at']).orderBy('key');
  try {
    const before = new Date(Date.now() - 2000).toISOString();
    for (const q of [upsert('a', '1'), upsert('a', '2'), upsert('b', '1')]) {
      lite.run(db, q);
      await run(store, q);
    }
    lite.run(db, touch({ key: 'b' }));
    await run(store, touch({ key: 'b' }));
    const rows = [lite.all(db, read), await all(store, read)];
    for (const r of rows) {
      assert.deepEqual(
        r.map((x) => x.key),
        ['a', 'b'],
      );
      for (const x of r) {
        assert.match(x.updated_at, stamp);
        assert.ok(x.updated_at >= before, `${x.updated_at} is now, not the inserted 2000-01-01`);
      }
    }
    const raw = sql<{ t: string }>`SELECT ${now} AS t`;
    assert.match(lite.first(db, raw)!.t, stamp);
    assert.match((await first(store, raw))!.t, stamp);
  } finally {
    db.close();
    await store.end();
  }
});

test('the query modules write the time as `now`, never as a dialect’s own SQL', () => {
  const dir = join(import.meta.dirname, '../../../main/db');
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['migrations.ts', 'execute.ts'].includes(f));
  assert.ok(modules.length > 10);
  for (const f of modules) assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /strftime\(|statement_timestamp|to_char\(/, f);
});
