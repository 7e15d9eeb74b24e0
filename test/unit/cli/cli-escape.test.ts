// Issue #16, item 8: names from the file system never reach the terminal raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printable } from '../../../main/cli/output.ts';
import { png } from '../../helpers/images.ts';
import { tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

test('item 8: escape sequences and newlines in file names are printed escaped', async () => {
  const root = tempDir();
  const dir = join(root, 'p');
  const scans = join(root, 'scans');
  mkdirSync(scans);
  assert.equal(spawnSync(process.execPath, [CLI, 'init', dir]).status, 0);
  const evil = 'a\x1b[2J\x1b]0;pwned\x07\nimported fake.png: 1 page(s)\u202e.png';
  writeFileSync(join(scans, evil), 'not an image');
  writeFileSync(join(scans, 'b\rc.png'), await png());
  const r = spawnSync(process.execPath, [CLI, 'import', dir, scans], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.doesNotMatch(r.stdout, /[\x00-\x09\x0b-\x1f\x7f\u202e]/, 'no control character but the line ends');
  assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('imported fake.png')), 'no faked output line');
  assert.ok(
    r.stdout.includes(
      `FAILED ${join(scans, 'a\\x1b[2J\\x1b]0;pwned\\x07\\nimported fake.png: 1 page(s)\\u202e.png')}: not a readable image`,
    ),
    r.stdout,
  );
  assert.ok(r.stdout.includes(`imported ${join(scans, 'b\\rc.png')}: 1 page(s)`));
  const ls = spawnSync(process.execPath, [CLI, 'ls', dir], { encoding: 'utf8' });
  assert.match(ls.stdout, /b\\rc/);
});

test('printable keeps ordinary text, including non-Latin scripts, and escapes backslashes', () => {
  assert.equal(printable('Straße – ſcan №1 日本'), 'Straße – ſcan №1 日本');
  assert.equal(printable('a\\nb'), 'a\\\\nb', 'a name spelling an escape is not mistaken for one');
  assert.equal(printable('\u0085\u2028'), '\\x85\\u2028');
});
