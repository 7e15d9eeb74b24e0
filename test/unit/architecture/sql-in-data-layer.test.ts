// The data layer owns all SQL (issue #18): outside main/db/, no code prepares a statement,
// executes SQL, opens a transaction or sets a pragma on a database, or imports the driver.
// Other code calls the query modules' functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Direct database use; `.exec(` only on something named db (a RegExp's exec is fine). */
const FORBIDDEN = [/\.prepare\(/, /\.transaction\(/, /\.pragma\(/, /\bdb\s*\.\s*exec\(/, /from 'better-sqlite3'/, /from 'kysely'/];

/** Files that still hold SQL, until the data layer takes it (this list only shrinks). */
const NOT_YET: string[] = ['main/cli/main.ts'];

function sqlOutsideDataLayer(root: string): string[] {
  const found: string[] = [];
  for (const f of readdirSync(join(root, 'main'), { recursive: true }).map(String)) {
    if (!f.endsWith('.ts') || f.startsWith('db/')) continue;
    const path = `main/${f}`;
    const text = readFileSync(join(root, path), 'utf8');
    const hits = FORBIDDEN.filter((re) => re.test(text));
    if (hits.length) found.push(path);
  }
  return found.sort();
}

test('no SQL outside main/db/: the query modules own it', () => {
  assert.deepEqual(sqlOutsideDataLayer(ROOT), [...NOT_YET].sort());
});
