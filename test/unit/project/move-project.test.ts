// `quire migrate`: a project moved from the desktop to a real PostgreSQL server and back is
// the same project, row for row and byte for byte; a move that fails midway leaves its
// destination as it was. Skipped where PostgreSQL is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { qb } from '../../../main/db/execute.ts';
import { PROJECT_TABLES } from '../../../main/db/pg/copy.ts';
import { all, run } from '../../../main/db/pg/execute.ts';
import { openServerStore } from '../../../main/db/pg/store.ts';
import { moveProject } from '../../../main/project/move-project.ts';
import { CLI } from '../../helpers/cli.ts';
import { fullProject } from '../../helpers/full-project.ts';
import { lineProject } from '../../helpers/line-project.ts';
import { pgProxy } from '../../helpers/pg-proxy.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';
import { tempDir } from '../../helpers/project.ts';

const database = postgresForThisFile();
const skip = postgresMissing;
const quire = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const DB_FILES = /^quire\.db(-wal|-shm)?$/;

/** Every table of a project folder's database, search tables included, in key order. */
function desktopRows(dir: string): Record<string, unknown[]> {
  const db = new Database(join(dir, 'quire.db'), { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>
    )
      .map((t) => t.name)
      .filter((name) => !/_fts_(data|idx|content|docsize|config)$/.test(name));
    return Object.fromEntries(
      tables.map((t) => [
        t,
        t.endsWith('_fts')
          ? db.prepare(`SELECT rowid, text FROM ${t} ORDER BY rowid`).all()
          : db.prepare(`SELECT * FROM ${t} ORDER BY ${t === 'settings' ? 'key' : 'id'}`).all(),
      ]),
    );
  } finally {
    db.close();
  }
}

async function serverRows(url: string): Promise<Record<string, unknown[]>> {
  const store = await openServerStore(url);
  try {
    const rows: Record<string, unknown[]> = {};
    for (const [table, key] of PROJECT_TABLES) rows[table] = await all(store, qb.selectFrom(table).selectAll().orderBy(key));
    return rows;
  } finally {
    await store.end();
  }
}

/** Every file under a folder (the database's own left out) by its path, as a digest of its bytes. */
function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(f.parentPath, f.name);
    const rel = path.slice(dir.length + 1);
    if (f.isFile() && !DB_FILES.test(rel)) files[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return files;
}

const projectRows = (rows: Record<string, unknown[]>) => Object.fromEntries(PROJECT_TABLES.map(([t]) => [t, rows[t]]));

test('a desktop project moved to the server and back is identical: every row, the search index, every file', { skip }, async () => {
  const dir = await fullProject();
  const before = desktopRows(dir);
  const files = filesOf(dir);
  for (const [table] of PROJECT_TABLES) assert.ok(before[table].length > 0, `the test project has ${table} rows`);
  assert.ok(
    ['images', 'models', 'checkpoints'].every((folder) => Object.keys(files).some((f) => f.startsWith(`${folder}/`))),
    'and files in every folder',
  );
  const url = await database();
  const shared = join(tempDir(), 'shared');

  const up = quire('migrate', dir, url, '--files', shared, '--json');
  assert.equal(up.status, 0, up.stderr);
  const result = JSON.parse(up.stdout);
  assert.deepEqual(result.rows, Object.fromEntries(PROJECT_TABLES.map(([t]) => [t, before[t].length])));
  assert.equal(result.fileCount, Object.keys(files).length);
  assert.match(up.stderr, /^lines: \d+ row\(s\)$/m, 'progress on stderr');
  assert.deepEqual(await serverRows(url), projectRows(before), 'the server holds every row as it was');
  assert.deepEqual(filesOf(shared), files, 'and every file, byte for byte');
  assert.deepEqual(
    readdirSync(shared).filter((f) => f.startsWith('quire.db')),
    [],
    'the database moves as rows, not as a file',
  );
  assert.deepEqual(desktopRows(dir), before, 'the source is unchanged');

  // New rows on the server continue after the copied ids.
  const store = await openServerStore(url);
  const next = await run(store, qb.insertInto('documents').values({ name: 'n', kind: 'scan', source_path: '/n', source_hash: 'new' }));
  assert.equal(next.lastId, Math.max(...before.documents.map((d) => (d as { id: number }).id)) + 1);
  await run(store, qb.deleteFrom('documents').where('id', '=', next.lastId));
  await store.end();

  const back = join(tempDir(), 'back');
  const down = quire('migrate', url, back, '--files', shared, '--json');
  assert.equal(down.status, 0, down.stderr);
  assert.deepEqual(desktopRows(back), before, 'every table, search index included, row for row');
  assert.deepEqual(filesOf(back), files);
  const ls = quire('ls', back, '--json');
  assert.equal(ls.status, 0, ls.stderr);
  assert.deepEqual(JSON.parse(ls.stdout).counts, JSON.parse(quire('ls', dir, '--json').stdout).counts, 'and it opens as the same project');
});

test('a destination that already holds a project is refused and left unchanged', { skip }, async () => {
  const dir = await lineProject(2, 1);
  const url = await database();
  const shared = join(tempDir(), 'shared');
  await moveProject({ from: dir, to: url, files: shared });
  const rows = await serverRows(url);
  const files = filesOf(shared);
  const other = join(tempDir(), 'other');
  await assert.rejects(moveProject({ from: dir, to: url, files: other }), /already holds a Quire project \(its documents table has rows\)/);
  assert.deepEqual(await serverRows(url), rows);
  assert.equal(existsSync(other), false, 'no files were left in the new folder');
  await assert.rejects(moveProject({ from: dir, to: url, files: shared }), /shared is not empty/);
  assert.deepEqual(filesOf(shared), files);

  await assert.rejects(moveProject({ from: url, to: dir, files: shared }), /already holds a Quire project/);
  const occupied = tempDir();
  writeFileSync(join(occupied, 'notes.txt'), 'mine');
  await assert.rejects(moveProject({ from: url, to: occupied, files: shared }), /is not empty/);
  assert.deepEqual(readdirSync(occupied), ['notes.txt']);
});

test(
  'a row the server refuses fails the move midway, names the row, and leaves the server and the files folder unchanged',
  { skip },
  async () => {
    const dir = await lineProject(3, 2);
    const raw = new Database(join(dir, 'quire.db'));
    raw.exec("INSERT INTO models (id, name, kind, config, weights_hash) VALUES (7, 'm', 'finetune', '{}', 'w')");
    // SQLite keeps text in a REAL column; PostgreSQL's double precision cannot take it.
    raw.exec(
      "INSERT INTO predictions (id, line_id, model_id, text, confidence, char_confidence) VALUES (41, 1, 7, 'x', 0.5, '[]'), (42, 2, 7, 'y', 'high', '[]')",
    );
    raw.close();
    const url = await database();
    const shared = join(tempDir(), 'shared');
    await assert.rejects(
      moveProject({ from: dir, to: url, files: shared }),
      /predictions row id 42 cannot be copied: invalid input syntax for type double precision: "high"/,
    );
    const rows = await serverRows(url);
    for (const [table] of PROJECT_TABLES) assert.deepEqual(rows[table], [], `${table} is empty`);
    assert.equal(existsSync(shared), false);
  },
);

test('a reference to a missing row fails the move before the commit, naming the reference, with no file copied', { skip }, async () => {
  const dir = await lineProject(2, 1);
  const raw = new Database(join(dir, 'quire.db'));
  // Written with foreign keys off (an old tool, a hand edit): a text of a line that is gone.
  raw.pragma('foreign_keys = OFF');
  raw.exec("INSERT INTO transcriptions (line_id, text, author, source) VALUES (999, 'lost', 'me', 'human')");
  raw.close();
  const url = await database();
  const shared = join(tempDir(), 'shared');
  mkdirSync(shared);
  const said: string[] = [];
  await assert.rejects(
    moveProject({ from: dir, to: url, files: shared, progress: (m) => said.push(m) }),
    /transcriptions row refers to a missing row \(Key \(line_id\)=\(999\) is not present in table "lines"\.\); nothing was copied/,
  );
  const rows = await serverRows(url);
  for (const [table] of PROJECT_TABLES) assert.deepEqual(rows[table], [], `${table} is empty`);
  assert.deepEqual(
    said.filter((m) => m.startsWith('files:')),
    [],
    'no file was copied',
  );
  assert.deepEqual(readdirSync(shared), [], 'the folder stays, empty');
});

test('a file that cannot be read fails the move to the desktop and leaves no folder behind', { skip }, async () => {
  const dir = await lineProject(2, 1);
  const url = await database();
  const shared = join(tempDir(), 'shared');
  await moveProject({ from: dir, to: url, files: shared });
  mkdirSync(join(shared, 'models'), { recursive: true });
  symlinkSync(join(shared, 'gone.qmodel'), join(shared, 'models', 'broken.qmodel'));
  const parent = tempDir();
  await assert.rejects(moveProject({ from: url, to: join(parent, 'back'), files: shared }), /ENOENT/);
  assert.deepEqual(readdirSync(parent), [], 'neither the project nor its half-built folder');
});

test(
  'a migrate to the desktop takes away the half-built folder of an earlier one that was killed, not one still running',
  { skip },
  async () => {
    const dir = await lineProject(2, 1);
    const url = await database();
    const shared = join(tempDir(), 'shared');
    await moveProject({ from: dir, to: url, files: shared });
    const parent = tempDir();
    // A pid no process has (above Linux's pid_max), this process's own (from before a reboot), and a live one.
    for (const pid of [4_194_400, process.pid, process.ppid]) {
      mkdirSync(join(parent, `.back.migrating-${pid}`, 'images'), { recursive: true });
      writeFileSync(join(parent, `.back.migrating-${pid}`, 'images', 'copy.png'), 'png');
    }
    mkdirSync(join(parent, '.other.migrating-4194400'));
    await moveProject({ from: url, to: join(parent, 'back'), files: shared });
    assert.deepEqual(readdirSync(parent).sort(), [`.back.migrating-${process.ppid}`, '.other.migrating-4194400', 'back']);
  },
);

test('a database that is not a Quire store is refused as a source, and left without the schema', { skip }, async () => {
  const url = await database();
  const parent = tempDir();
  await assert.rejects(moveProject({ from: url, to: join(parent, 'back'), files: tempDir() }), /holds no Quire project/);
  const client = new pg.Client(url);
  await client.connect();
  const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
  await client.end();
  assert.deepEqual(tables.rows, [], 'no table was created in it');
  assert.deepEqual(readdirSync(parent), []);
});

test(
  'the connection dropping during COMMIT: a commit the server made is a move done, files kept; one it rolled back leaves nothing',
  { skip },
  async () => {
    const dir = await lineProject(3, 2);
    const before = desktopRows(dir);
    const files = filesOf(dir);

    // The COMMIT reaches the server, which commits; its answer is lost on the way back.
    const url = await database();
    const proxy = await pgProxy(url);
    try {
      const shared = join(tempDir(), 'shared');
      proxy.breakNextCommit('lose-answer');
      const moved = await moveProject({ from: dir, to: proxy.url, files: shared });
      assert.equal(moved.fileCount, Object.keys(files).length);
      assert.deepEqual(await serverRows(url), projectRows(before), 'the project is on the server');
      assert.deepEqual(filesOf(shared), files, 'with its files: removing them would have lost them');
    } finally {
      await proxy.close();
    }

    // The server ends the connection before the COMMIT reaches it: rolled back, the files go too.
    const url2 = await database();
    const proxy2 = await pgProxy(url2);
    try {
      const shared = join(tempDir(), 'shared');
      proxy2.breakNextCommit('terminate');
      await assert.rejects(
        moveProject({ from: dir, to: proxy2.url, files: shared }),
        /the connection to postgres:\/\/.* failed during COMMIT \(.*\); the server rolled the move back: nothing was copied/,
      );
      const rows = await serverRows(url2);
      for (const [table] of PROJECT_TABLES) assert.deepEqual(rows[table], [], `${table} is empty`);
      assert.equal(existsSync(shared), false, 'the files copied for it were removed');
    } finally {
      await proxy2.close();
    }
  },
);

test('when nobody can say whether the COMMIT happened, the files are kept and the error names their folder', { skip }, async () => {
  const dir = await lineProject(2, 1);
  const files = filesOf(dir);
  const url = await database();
  const proxy = await pgProxy(url);
  const shared = join(tempDir(), 'shared');
  try {
    proxy.breakNextCommit('blackout');
    await assert.rejects(moveProject({ from: dir, to: proxy.url, files: shared, commitCheckMs: 1000 }), (error: Error) => {
      assert.match(error.message, /failed during COMMIT \(.*\), and whether it committed cannot be told \(.*\)/);
      assert.ok(error.message.includes(`The files copied to ${shared} are kept`), error.message);
      return true;
    });
    assert.deepEqual(filesOf(shared), files, 'every file is still there');
  } finally {
    await proxy.close();
  }
});

test('quire migrate needs one folder and one postgres:// URL, and --files', () => {
  const both = quire('migrate', tempDir(), join(tempDir(), 'x'), '--files', tempDir());
  assert.equal(both.status, 2);
  assert.match(both.stderr, /between a project folder and a postgres:\/\/ URL/);
  const noFiles = quire('migrate', tempDir(), 'postgres://localhost/quire');
  assert.equal(noFiles.status, 2);
  assert.match(noFiles.stderr, /--files DIR is required/);
});
