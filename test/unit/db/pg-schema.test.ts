// The server schema (main/db/pg/migrations.ts) against the desktop one (main/db/migrations.ts),
// both built by their migrations: the same tables and views, columns of compatible types,
// nullability and defaults, primary keys, foreign keys with their ON DELETE, unique keys,
// indexes and CHECK constraints, so a project moves between them without loss. The one
// intended difference is search: FTS5 tables on the desktop, tsvector tables on the server
// (test/unit/db/pg-search.test.ts compares what they find).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Db } from '../../../main/db/database.ts';
import { MIGRATIONS } from '../../../main/db/migrations.ts';
import { PROJECT_TABLES } from '../../../main/db/pg/copy.ts';
import { MIRRORS_SQLITE_VERSION, PG_MIGRATIONS } from '../../../main/db/pg/migrations.ts';
import { migratePg, openServerStore, type PgStore } from '../../../main/db/pg/store.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';

const database = postgresForThisFile();
const skip = postgresMissing;
const SEARCH_TABLES = ['line_text_fts', 'prediction_text_fts'];
/** The server's counterparts of SEARCH_TABLES, and the triggers that keep them. */
const SERVER_SEARCH_TABLES = ['line_text_search', 'prediction_text_search'];
const SERVER_TRIGGERS = ['predictions_to_search', 'transcriptions_to_search', 'transcriptions_withdrawn_search'];

/** SQLite's declared type → PostgreSQL's, as the server migrations port them. */
const TYPES: Record<string, string> = { INTEGER: 'bigint', TEXT: 'text', REAL: 'double precision' };

type Shape = Record<string, unknown>;

function sqliteShape(db: Db) {
  const objects = db
    .prepare("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string; type: string; sql: string }>;
  const tables: Record<string, Shape> = {};
  for (const o of objects) {
    if (/_fts(_(data|idx|content|docsize|config))?$/.test(o.name)) continue;
    const columns = db.prepare(`PRAGMA table_info(${o.name})`).all() as Array<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }>;
    const keys = columns.filter((c) => c.pk > 0).map((c) => c.name);
    const indexes = (db.prepare(`PRAGMA index_list(${o.name})`).all() as Array<{ name: string; unique: number; origin: string }>)
      .filter((i) => i.origin !== 'pk')
      .map((i) => {
        const cols = (db.prepare(`PRAGMA index_info(${i.name})`).all() as Array<{ name: string }>).map((c) => c.name).join(',');
        // A UNIQUE constraint's index has a generated name in both; a created index keeps its own.
        return `${i.origin === 'c' ? i.name : 'unique'}(${cols})${i.unique ? ' unique' : ''}`;
      });
    tables[o.name] = {
      kind: o.type,
      columns: Object.fromEntries(
        columns.map((c) => [
          c.name,
          {
            type: TYPES[c.type] ?? c.type,
            // INTEGER PRIMARY KEY is never null in SQLite either, though PRAGMA says nullable.
            notNull: o.type === 'view' ? null : c.notnull === 1 || keys.includes(c.name),
            default: o.type === 'view' ? null : defaultOf(c.dflt_value),
          },
        ]),
      ),
      primaryKey: o.type === 'view' ? [] : keys,
      foreignKeys: (
        db.prepare(`PRAGMA foreign_key_list(${o.name})`).all() as Array<{ table: string; from: string; to: string; on_delete: string }>
      )
        .map((f) => `${f.from} -> ${f.table}(${f.to}) on delete ${f.on_delete.toLowerCase()}`)
        .sort(),
      indexes: indexes.sort(),
      checks: (o.sql.match(/\bCHECK\s*\(/gi) ?? []).length,
    };
  }
  return tables;
}

/** A default as a comparable value: the timestamp expressions of both stores are 'now'. */
function defaultOf(text: string | null): string | null {
  if (text === null) return null;
  if (/strftime|statement_timestamp/.test(text)) return 'now';
  return text.replace(/::(text|bigint)$/, '');
}

async function pgShape(store: PgStore) {
  const q = async <R>(text: string, values: unknown[] = []) => (await store.query(text, values)).rows as R[];
  const objects = await q<{ name: string; type: string }>(
    `SELECT table_name AS name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS type
       FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'quire_schema' ORDER BY 1`,
  );
  const tables: Record<string, Shape> = {};
  for (const o of objects) {
    const columns = await q<{ name: string; type: string; nullable: string; dflt: string | null; identity: string }>(
      `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt, is_identity AS identity
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [o.name],
    );
    const keys = await q<{ name: string }>(
      `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [o.name],
    );
    const foreign = await q<{ text: string }>(
      `SELECT a.attname || ' -> ' || c.confrelid::regclass::text || '(' || af.attname || ') on delete ' ||
              CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'no action' END AS text
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid = $1::regclass`,
      [o.name],
    );
    const indexes = await q<{ text: string }>(
      `SELECT CASE WHEN con.oid IS NULL THEN ix.relname ELSE 'unique' END || '(' ||
              (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) || ')' ||
              CASE WHEN i.indisunique THEN ' unique' ELSE '' END AS text
         FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype = 'u'
        WHERE i.indrelid = $1::regclass AND NOT i.indisprimary`,
      [o.name],
    );
    const checks = await q<{ n: number }>(`SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass`, [
      o.name,
    ]);
    const isView = o.type === 'view';
    tables[o.name] = {
      kind: o.type,
      columns: Object.fromEntries(
        columns.map((c) => [
          c.name,
          {
            type: c.type,
            notNull: isView ? null : c.nullable === 'NO',
            // An identity column is the counterpart of SQLite's INTEGER PRIMARY KEY: no default of its own.
            default: isView || c.identity === 'YES' ? null : defaultOf(c.dflt),
          },
        ]),
      ),
      primaryKey: isView ? [] : keys.map((k) => k.name),
      foreignKeys: foreign.map((f) => f.text).sort(),
      indexes: indexes.map((i) => i.text).sort(),
      checks: isView ? 0 : checks[0].n,
    };
  }
  return tables;
}

test(
  'the server schema has the desktop schema’s tables, columns, types, keys, indexes and checks; only search differs',
  { skip },
  async () => {
    const db = openDatabase(':memory:');
    const store = await openServerStore(await database());
    try {
      const desktop = sqliteShape(db);
      const server = await pgShape(store);
      const names = (type: string) =>
        (db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as Array<{ name: string }>).map((t) => t.name);
      assert.deepEqual(
        names('table').filter((t) => t.endsWith('_fts')),
        SEARCH_TABLES,
        'the desktop’s search tables',
      );
      // The desktop's triggers all keep the search tables; the server's too, so none is missing on either.
      assert.deepEqual(
        names('trigger').filter((t) => !t.endsWith('_fts')),
        [],
        'a desktop trigger that is not search needs its server counterpart',
      );
      const triggers = await store.query<{ name: string }>(
        "SELECT DISTINCT trigger_name AS name FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1",
      );
      assert.deepEqual(
        triggers.rows.map((t) => t.name),
        SERVER_TRIGGERS,
        'a server trigger that is not search needs its desktop counterpart',
      );
      for (const table of SERVER_SEARCH_TABLES) {
        assert.deepEqual(
          server[table],
          {
            kind: 'table',
            columns: {
              line_id: { type: 'bigint', notNull: true, default: null },
              text: { type: 'text', notNull: true, default: null },
              words: { type: 'tsvector', notNull: false, default: null },
            },
            primaryKey: ['line_id'],
            foreignKeys: ['line_id -> lines(id) on delete cascade'],
            indexes: [`${table}_words(words)`],
            checks: 0,
          },
          `search table ${table}: a line's text and its words, indexed`,
        );
        delete server[table];
      }
      assert.deepEqual(Object.keys(server).sort(), Object.keys(desktop).sort(), 'tables and views');
      for (const name of Object.keys(desktop)) assert.deepEqual(server[name], desktop[name], `table ${name}`);
    } finally {
      db.close();
      await store.end();
    }
  },
);

test('the checks refuse the same rows, SQLite’s case-blind LIKE included', { skip }, async () => {
  const db = openDatabase(':memory:');
  const store = await openServerStore(await database());
  const statements = [
    "INSERT INTO documents (name, kind, source_path, source_hash) VALUES ('d', 'scan', '/d', 'h')",
    "INSERT INTO pages (document_id, page_index, image_hash, width, height) VALUES (1, 0, 'i', 10, 10)",
    "INSERT INTO lines (page_id, reading_order, polygon, box_x, box_y, box_w, box_h) VALUES (1, 0, '[]', 0, 0, 1, 1)",
  ];
  // Each refused row is otherwise valid, so only its check can refuse it.
  const cases: Array<[string, boolean]> = [
    ["INSERT INTO documents (name, kind, source_path, source_hash) VALUES ('e', 'lines', '/e', 'h2')", true],
    ["INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 't', 'a', 'Import:x.xml')", true],
    ["INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 't', 'a', 'MODEL:3')", true],
    ["INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 't', 'a', 'robot')", false],
    ["INSERT INTO documents (name, kind, source_path, source_hash) VALUES ('e', 'book', '/e', 'h3')", false],
    ["INSERT INTO pages (document_id, page_index, image_hash, width, height) VALUES (1, 1, 'i', 0, 10)", false],
    ["INSERT INTO regions (page_id, reading_order, polygon, excluded) VALUES (1, 0, '[]', 2)", false],
    ["INSERT INTO regions (page_id, reading_order, polygon, type) VALUES (1, 0, '[]', 'poem')", false],
    [
      "INSERT INTO lines (page_id, reading_order, polygon, box_x, box_y, box_w, box_h, split) VALUES (1, 1, '[]', 0, 0, 1, 1, 'dev')",
      false,
    ],
    ["INSERT INTO jobs (kind, state) VALUES ('transcribe', 'sleeping')", false],
    ["INSERT INTO jobs (kind, state) VALUES ('find-lines', 'queued')", true],
    ["INSERT INTO jobs (kind, state) VALUES ('find-words', 'queued')", false],
    ["INSERT INTO models (name, kind, config, weights_hash) VALUES ('m', 'distill', '{}', 'w')", false],
    ["INSERT INTO undo_log (action, label, touched) VALUES ('again', 'x', '[]')", false],
  ];
  try {
    for (const s of statements) {
      db.exec(s);
      await store.query(s);
    }
    for (const [statement, accepted] of cases) {
      const inSqlite = (() => {
        try {
          db.exec(statement);
          return true;
        } catch {
          return false;
        }
      })();
      const inPg = await store.query(statement).then(
        () => true,
        () => false,
      );
      assert.deepEqual([inSqlite, inPg], [accepted, accepted], statement);
    }
    // The current label skips model rows whatever their case, in both.
    const current = 'SELECT source FROM current_transcriptions';
    assert.deepEqual(db.prepare(current).all(), (await store.query(current)).rows);
  } finally {
    db.close();
    await store.end();
  }
});

test('every desktop table is copied by quire migrate, and the server schema mirrors the newest desktop migration', () => {
  assert.equal(
    MIGRATIONS.length,
    MIRRORS_SQLITE_VERSION,
    'a new desktop migration needs its server counterpart (main/db/pg/migrations.ts)',
  );
  const db = openDatabase(':memory:');
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>
  )
    .map((t) => t.name)
    .filter((name) => !/_fts(_(data|idx|content|docsize|config))?$/.test(name));
  assert.deepEqual(tables.sort(), PROJECT_TABLES.map(([t]) => t).sort());
  db.close();
});

test('the server’s migration 11 keeps each reading’s least confident character, as the desktop’s 15 does', { skip }, async () => {
  const url = await database();
  const store = await openServerStore(url, { migrations: PG_MIGRATIONS.slice(0, 10) });
  try {
    await store.query(`
      INSERT INTO documents (id, name, kind, source_path, source_hash) VALUES (1, 'd', 'scan', 'f', 'h');
      INSERT INTO pages (id, document_id, page_index, image_hash, width, height) VALUES (1, 1, 0, 'x', 10, 10);
      INSERT INTO lines (id, page_id, reading_order, polygon, box_x, box_y, box_w, box_h) VALUES (5, 1, 0, '[]', 0, 0, 1, 1), (6, 1, 1, '[]', 0, 0, 1, 1);
      INSERT INTO models (id, name, kind, config, weights_hash) VALUES (2, 'm', 'finetune', '{}', 'w');
      INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (5, 2, 'ab', 0.9, '[0.95,0.25]'), (6, 2, '', 0.7, '[]');`);
    await migratePg(store);
    const r = await store.query('SELECT line_id, min_confidence FROM predictions ORDER BY line_id');
    assert.deepEqual(r.rows, [
      { line_id: 5, min_confidence: 0.25 },
      { line_id: 6, min_confidence: 0.7 },
    ]);
  } finally {
    await store.end();
  }
});
