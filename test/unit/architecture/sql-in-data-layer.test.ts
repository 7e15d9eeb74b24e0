// The data layer owns all SQL (issue #18): outside main/db/, no code prepares a statement,
// executes SQL, opens a transaction or sets a pragma on a database, or imports a driver (better-sqlite3, pg).
// Other code calls the query modules' functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Direct database use; `.exec(` only on something named db (a RegExp's exec is fine). */
const FORBIDDEN = [
  /\.prepare\(/,
  /\.transaction\(/,
  /\.pragma\(/,
  /\bdb\s*\.\s*exec\(/,
  /from 'better-sqlite3'/,
  /from 'pg'/,
  /from 'kysely'/,
];

function sqlOutsideDataLayer(root: string): string[] {
  const found: string[] = [];
  for (const f of readdirSync(join(root, 'main'), { recursive: true }).map(String)) {
    if (!f.endsWith('.ts') || f.startsWith('db/')) continue;
    const path = `main/${f.split('\\').join('/')}`;
    const text = readFileSync(join(root, path), 'utf8');
    const hits = FORBIDDEN.filter((re) => re.test(text));
    if (hits.length) found.push(path);
  }
  return found.sort();
}

test('no SQL outside main/db/: the query modules own it', () => {
  const found = sqlOutsideDataLayer(ROOT);
  assert.deepEqual(found, [], 'SQL outside main/db/: move it into a query module there');
});

test('the check finds a statement prepared, a transaction or the driver outside main/db/, and not a RegExp exec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quire-sql-check-'));
  try {
    const files: Record<string, string> = {
      'main/db/lines.ts': "export const q = (db) => db.prepare('SELECT 1').get();\n",
      'main/layout/edit.ts': "export const q = (project) => project.db.prepare('SELECT 1').get();\n",
      'main/jobs/run.ts': 'export const t = (project) => project.db.transaction(() => 1)();\n',
      'main/app/open.ts': "import Database from 'better-sqlite3';\nexport const d = Database;\n",
      'main/app/serve.ts': "import pg from 'pg';\nexport const p = pg;\n",
      'main/io/parse.ts': 'export const m = (s) => /x(\\d+)/.exec(s);\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    assert.deepEqual(sqlOutsideDataLayer(dir), ['main/app/open.ts', 'main/app/serve.ts', 'main/jobs/run.ts', 'main/layout/edit.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
