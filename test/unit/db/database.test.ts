import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FOREIGN_KEYS_OFF, MIGRATIONS } from '../../../main/db/migrations.ts';
import { migrate, openDatabase, schemaVersion } from '../../../main/db/database.ts';
import { tempDir } from '../../helpers/project.ts';

test('a new database is in WAL mode, enforces foreign keys and has every migration', () => {
  const db = openDatabase(join(tempDir(), 'q.db'));
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(schemaVersion(db), MIGRATIONS.length);
  assert.throws(
    () => db.prepare("INSERT INTO pages (document_id, page_index, image_hash, width, height) VALUES (999, 0, 'x', 1, 1)").run(),
    /FOREIGN KEY/,
  );
  db.close();
});

test('a failing migration rolls back and leaves the previous version', () => {
  const path = join(tempDir(), 'q.db');
  openDatabase(path, MIGRATIONS).close();
  assert.throws(() => openDatabase(path, [...MIGRATIONS, 'CREATE TABLE extra (x); THIS IS NOT SQL']));
  const db = new Database(path);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get() as { n: number }).n, 0);
  db.close();
});

test('a database from a newer Quire is refused with a clear message', () => {
  const path = join(tempDir(), 'q.db');
  const raw = new Database(path);
  raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
  raw.close();
  assert.throws(() => openDatabase(path), /newer than this Quire/);
});

test('the current transcription is the newest human or imported row, never a model row', () => {
  const db = openDatabase(join(tempDir(), 'q.db'));
  db.exec(`INSERT INTO documents (id, name, kind, source_path, source_hash) VALUES (1, 'd', 'scan', 'f', 'h');
    INSERT INTO pages (id, document_id, page_index, image_hash, width, height) VALUES (1, 1, 0, 'x', 10, 10);
    INSERT INTO lines (id, page_id, reading_order, polygon, box_x, box_y, box_w, box_h) VALUES (1, 1, 0, '[]', 0, 0, 1, 1);
    INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 'first', 'ann', 'import:a.xml');
    INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 'second', 'ann', 'human');
    INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 'guess', 'model', 'model:3');`);
  assert.equal((db.prepare('SELECT text FROM current_transcriptions WHERE line_id = 1').get() as { text: string }).text, 'second');
  assert.equal((db.prepare('SELECT count(*) AS n FROM transcriptions WHERE line_id = 1').get() as { n: number }).n, 3);
  assert.throws(
    () => db.prepare("INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 'x', 'a', 'robot')").run(),
    /CHECK/,
  );
  db.close();
});

/** SQL for a document with one page holding one line, `lineId`. */
const oneLine = (lineId: number) => `INSERT INTO documents (id, name, kind, source_path, source_hash) VALUES (1, 'd', 'scan', 'f', 'h');
    INSERT INTO pages (id, document_id, page_index, image_hash, width, height) VALUES (1, 1, 0, 'x', 10, 10);
    INSERT INTO lines (id, page_id, reading_order, polygon, box_x, box_y, box_w, box_h) VALUES (${lineId}, 1, 0, '[]', 0, 0, 1, 1);`;

test('migration 2 indexes existing transcriptions for search, and later saves too', () => {
  const path = join(tempDir(), 'q.db');
  const v1 = openDatabase(path, MIGRATIONS.slice(0, 1));
  v1.exec(`${oneLine(7)}
    INSERT INTO transcriptions (line_id, text, author, source) VALUES (7, 'Baptism of Johann Müller', 'ann', 'human');`);
  v1.close();
  const db = openDatabase(path);
  assert.equal(schemaVersion(db), MIGRATIONS.length);
  const find = (q: string) =>
    (db.prepare('SELECT rowid FROM line_text_fts WHERE line_text_fts MATCH ?').all(q) as Array<{ rowid: number }>).map((r) => r.rowid);
  assert.deepEqual(find('muller'), [7], 'diacritics folded');
  db.exec("INSERT INTO transcriptions (line_id, text, author, source) VALUES (7, 'Burial of Johann Müller', 'ann', 'human')");
  assert.deepEqual(find('baptism'), []);
  assert.deepEqual(find('burial'), [7]);
  db.exec("INSERT INTO transcriptions (line_id, text, author, source) VALUES (7, 'machine guess', 'model', 'model:1')");
  assert.deepEqual(find('guess'), [], 'model text is not searched as a label');
  db.close();
});

test('migration 4 keeps the labels of a version-3 project; a withdrawn row is no longer current, nor searched', () => {
  const path = join(tempDir(), 'q.db');
  const v3 = openDatabase(path, MIGRATIONS.slice(0, 3));
  v3.exec(`${oneLine(3)}
    INSERT INTO transcriptions (line_id, text, author, source) VALUES (3, 'Item for candles', 'ann', 'import:a.xml');
    INSERT INTO transcriptions (line_id, text, author, source) VALUES (3, 'Item for bread', 'ann', 'human');`);
  v3.close();
  const db = openDatabase(path);
  const current = () =>
    (db.prepare('SELECT text FROM current_transcriptions WHERE line_id = 3').get() as { text: string } | undefined)?.text;
  const find = (q: string) =>
    (db.prepare('SELECT rowid FROM line_text_fts WHERE line_text_fts MATCH ?').all(q) as Array<{ rowid: number }>).map((r) => r.rowid);
  assert.equal(current(), 'Item for bread');
  db.exec("UPDATE transcriptions SET withdrawn_at = 'now' WHERE text = 'Item for bread'");
  assert.equal(current(), 'Item for candles');
  assert.deepEqual([find('bread'), find('candles')], [[], [3]]);
  db.exec("UPDATE transcriptions SET withdrawn_at = 'now'");
  assert.equal(current(), undefined);
  assert.deepEqual(find('candles'), []);
  db.exec("UPDATE transcriptions SET withdrawn_at = NULL WHERE text = 'Item for bread'");
  assert.deepEqual(find('bread'), [3]);
  db.close();
});

test('migration 11 rebuilds the jobs table with its rows, keeps which job wrote each reading, and takes find-lines jobs', () => {
  const path = join(tempDir(), 'q.db');
  const v10 = openDatabase(path, MIGRATIONS.slice(0, 10));
  v10.exec(`${oneLine(5)}
    INSERT INTO models (id, name, kind, config, weights_hash) VALUES (2, 'm', 'finetune', '{}', 'w');
    INSERT INTO jobs (id, kind, state, config, log, model_id, created_at, updated_at)
      VALUES (4, 'transcribe', 'done', '{"modelId":2}', 'read 1 line', 2, '2024-01-02T03:04:05.678Z', '2024-01-02T03:04:06.000Z');
    INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence, job_id) VALUES (5, 2, 'x', 0.9, '[]', 4);`);
  const before = v10.prepare('SELECT * FROM jobs').all();
  v10.close();
  const db = openDatabase(path);
  assert.equal(schemaVersion(db), MIGRATIONS.length);
  assert.deepEqual(db.prepare('SELECT * FROM jobs').all(), before, 'the rows as they were');
  assert.equal((db.prepare('SELECT job_id FROM predictions').get() as { job_id: number }).job_id, 4, 'the reading still names its job');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys on again');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  db.exec("INSERT INTO jobs (id, kind, state) VALUES (9, 'find-lines', 'queued'); UPDATE pages SET segmented_by_job = 9");
  assert.throws(() => db.exec("INSERT INTO jobs (kind, state) VALUES ('sleep', 'queued')"), /CHECK/);
  // The job's row deleted, the page no longer names it; the predictions' key follows the new table too.
  db.exec('DELETE FROM jobs');
  assert.equal((db.prepare('SELECT segmented_by_job FROM pages').get() as { segmented_by_job: null }).segmented_by_job, null);
  assert.equal((db.prepare('SELECT job_id FROM predictions').get() as { job_id: null }).job_id, null);
  db.close();
});

test("migration 15 keeps each reading's least confident character, or the line's confidence where it has none", () => {
  const path = join(tempDir(), 'q.db');
  const v14 = openDatabase(path, MIGRATIONS.slice(0, 14));
  v14.exec(`${oneLine(5)}
    INSERT INTO lines (id, page_id, reading_order, polygon, box_x, box_y, box_w, box_h) VALUES (6, 1, 1, '[]', 0, 0, 1, 1);
    INSERT INTO models (id, name, kind, config, weights_hash) VALUES (2, 'm', 'finetune', '{}', 'w');
    INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (5, 2, 'ab', 0.9, '[0.95,0.25]');
    INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (6, 2, '', 0.7, '[]');`);
  v14.close();
  const db = openDatabase(path);
  assert.deepEqual(db.prepare('SELECT line_id, min_confidence FROM predictions ORDER BY line_id').all(), [
    { line_id: 5, min_confidence: 0.25 },
    { line_id: 6, min_confidence: 0.7 },
  ]);
  db.close();
});

test('a migration run with foreign keys off that would leave a broken key rolls back', () => {
  const path = join(tempDir(), 'q.db');
  openDatabase(path, MIGRATIONS).close();
  const breaking = `${FOREIGN_KEYS_OFF}\n INSERT INTO pages (document_id, page_index, image_hash, width, height) VALUES (999, 0, 'x', 1, 1);`;
  assert.throws(() => openDatabase(path, [...MIGRATIONS, breaking]), /would break 1 foreign key\(s\) \(first: pages row \d+ → documents\)/);
  const db = new Database(path);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.equal((db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 0);
  db.close();
});

test('two processes migrating an out-of-date project at once: the second finds the work done', () => {
  const path = join(tempDir(), 'q.db');
  openDatabase(path, MIGRATIONS.slice(0, MIGRATIONS.length - 2)).close();
  const a = new Database(path);
  a.pragma('busy_timeout = 5000');
  // Another process migrates the project right after this one has read its version.
  let raced = false;
  const racing = new Proxy(a, {
    get(target, key) {
      if (key === 'pragma')
        return (source: string, options?: { simple?: boolean }) => {
          const value = target.pragma(source, options);
          if (!raced && source === 'user_version') {
            raced = true;
            openDatabase(path).close();
          }
          return value;
        };
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  migrate(racing, MIGRATIONS);
  assert.ok(raced);
  assert.equal(schemaVersion(a), MIGRATIONS.length);
  a.close();
});

test('a damaged project database is refused naming the file; an empty one is not taken for a new project', () => {
  const dir = tempDir();
  const junk = join(dir, 'junk.db');
  writeFileSync(junk, 'this is not SQLite, but long enough to have a header of sorts '.repeat(20));
  assert.throws(
    () => openDatabase(junk),
    (e: Error) => e.message.startsWith(`${junk}: `) && /not a database/.test(e.message),
  );
  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  assert.throws(() => openDatabase(empty), new RegExp(`${empty.replace(/[.]/g, '\\.')}: the project database is an empty file`));
  assert.equal(statSync(empty).size, 0, 'left as it was');
  // A new database (no file yet) opens as before.
  openDatabase(join(dir, 'new.db')).close();
});
