// The query builder's view of the schema (main/db/schema.ts) against the database the
// migrations build: every table and view with exactly its columns, so the two cannot drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../../main/db/database.ts';
import { SCHEMA_COLUMNS } from '../../../main/db/schema.ts';

test('schema.ts names every table, view and column of the migrated database, and no others', () => {
  const db = openDatabase(':memory:');
  // FTS5 keeps its index in shadow tables (line_text_fts_data…); no query names them.
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'").all() as Array<{
      name: string;
    }>
  )
    .map((t) => t.name)
    .filter((name) => !/_fts_(data|idx|content|docsize|config)$/.test(name));
  assert.deepEqual([...tables].sort(), Object.keys(SCHEMA_COLUMNS).sort());
  for (const table of tables) {
    const live = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name).sort();
    assert.deepEqual(live, Object.keys(SCHEMA_COLUMNS[table as keyof typeof SCHEMA_COLUMNS]).sort(), `columns of ${table}`);
  }
  db.close();
});
