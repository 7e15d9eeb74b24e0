// writeFileAtomic when it cannot finish: no temporary copy stays behind, and the error names
// the file the caller asked for, not the temporary one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../main/fs/atomic.ts';
import { tempDir } from '../../helpers/project.ts';

test('a rename onto a folder leaves no temporary file, and the error names the destination', () => {
  const dir = tempDir();
  const target = join(dir, 'model.qmodel');
  mkdirSync(target);
  assert.throws(
    () => writeFileAtomic(target, new Uint8Array(1024)),
    (e: NodeJS.ErrnoException) => e.code !== undefined && e.message.includes(target) && !e.message.includes('.tmp') && e.path === target,
  );
  assert.deepEqual(readdirSync(dir), ['model.qmodel']);
});

test('a missing folder is named as the destination', () => {
  const target = join(tempDir(), 'no-such-folder', 'x.qmodel');
  assert.throws(
    () => writeFileAtomic(target, new Uint8Array(8)),
    (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.message.includes(target) && !e.message.includes('.tmp'),
  );
});
