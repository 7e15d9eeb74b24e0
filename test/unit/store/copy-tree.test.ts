// Copying a folder's files one by one atomically, and taking a failed copy back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyTree, nothingCopied, removeCopied } from '../../../main/fs/copy-tree.ts';
import { tempDir } from '../../helpers/project.ts';

function tree(): string {
  const from = tempDir();
  mkdirSync(join(from, 'images', 'ab'), { recursive: true });
  writeFileSync(join(from, 'images', 'ab', 'abc.png'), Buffer.from([1, 2, 3]));
  writeFileSync(join(from, 'quire.db'), 'rows');
  writeFileSync(join(from, 'notes.txt'), 'kept');
  return from;
}

test('every file is copied byte for byte into new folders, except those skipped; nothing temporary is left', () => {
  const from = tree();
  const to = join(tempDir(), 'shared');
  const copied = copyTree(from, to, { skip: (p) => p === 'quire.db', copied: nothingCopied() });
  assert.deepEqual(readdirSync(to, { recursive: true }).map(String).sort(), ['images', 'images/ab', 'images/ab/abc.png', 'notes.txt']);
  assert.deepEqual(readFileSync(join(to, 'images', 'ab', 'abc.png')), Buffer.from([1, 2, 3]));
  assert.equal(copied.files.length, 2);
  assert.equal(copied.bytes, 3 + 4);
  assert.deepEqual(copied.dirs, [to, join(to, 'images'), join(to, 'images', 'ab')]);
});

test('a file already at the destination is not overwritten; a failed copy is taken back, what was there stays', () => {
  const from = tree();
  const to = tempDir();
  mkdirSync(join(to, 'images'));
  writeFileSync(join(to, 'notes.txt'), 'theirs');
  const copied = nothingCopied();
  assert.throws(() => copyTree(from, to, { skip: () => false, copied }), /notes\.txt already exists/);
  assert.equal(readFileSync(join(to, 'notes.txt'), 'utf8'), 'theirs');
  assert.ok(copied.files.length > 0, 'files before it were copied');
  removeCopied(copied);
  assert.deepEqual(readdirSync(to).sort(), ['images', 'notes.txt'], 'the folder that was there stays, the copied ones are gone');
  assert.deepEqual(readdirSync(join(to, 'images')), []);
});

test('an unreadable file (a dangling link) fails the copy with its error', () => {
  const from = tree();
  symlinkSync(join(from, 'gone'), join(from, 'images', 'ab', 'zz.png'));
  const to = join(tempDir(), 'shared');
  const copied = nothingCopied();
  assert.throws(() => copyTree(from, to, { skip: () => false, copied }), /ENOENT/);
  removeCopied(copied);
  assert.equal(existsSync(to), false);
});

test('a symbolic link back to a folder the copy is inside is refused, naming it, and the copy taken back', () => {
  const from = tree();
  symlinkSync(join(from, 'images'), join(from, 'images', 'ab', 'loop'));
  const to = join(tempDir(), 'shared');
  const copied = nothingCopied();
  assert.throws(
    () => copyTree(from, to, { skip: (p) => p === 'quire.db', copied }),
    new RegExp(`${join(from, 'images', 'ab', 'loop').replaceAll('/', '\\/')} links back to .*images, a folder it is inside`),
  );
  removeCopied(copied);
  assert.equal(existsSync(to), false);
});

test('a symbolic link to a folder outside the tree is followed, and the same folder linked twice is copied twice', () => {
  const from = tree();
  const elsewhere = tempDir();
  writeFileSync(join(elsewhere, 'kept.png'), 'png');
  symlinkSync(elsewhere, join(from, 'a'));
  symlinkSync(elsewhere, join(from, 'b'));
  const to = join(tempDir(), 'shared');
  copyTree(from, to, { skip: (p) => p === 'quire.db', copied: nothingCopied() });
  assert.equal(readFileSync(join(to, 'a', 'kept.png'), 'utf8'), 'png');
  assert.equal(readFileSync(join(to, 'b', 'kept.png'), 'utf8'), 'png');
});

test('a destination inside the source is refused before anything is created (the copy would copy itself)', () => {
  const from = tree();
  for (const to of [join(from, 'shared'), from]) {
    const copied = nothingCopied();
    assert.throws(() => copyTree(from, to, { skip: () => false, copied }), /is inside .*: a folder cannot be copied into itself/);
    assert.deepEqual(copied, nothingCopied());
  }
  assert.equal(existsSync(join(from, 'shared')), false);
});
