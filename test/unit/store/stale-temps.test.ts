// Issue #16, item 9: temporary files of an atomic write that was killed are removed when
// the project is next opened; those of a writer that still runs are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../../../main/project/project.ts';
import { newProject } from '../../helpers/project.ts';

test('item 9: .tmp files of dead writers are removed at open, live ones and real files kept', () => {
  const project = newProject();
  const sub = join(project.images.root, 'ab');
  mkdirSync(sub, { recursive: true });
  const dead = join(sub, `${'ab'.repeat(32)}.png.999999999.0123abcd.tmp`);
  const live = join(sub, `${'ab'.repeat(32)}.gray.png.${process.pid}.89abcdef.tmp`);
  const real = join(sub, `${'ab'.repeat(32)}.png`);
  const checkpoint = join(project.root, 'models', '3', 'weights.bin.999999998.00ff00ff.tmp');
  mkdirSync(join(project.root, 'models', '3'), { recursive: true });
  for (const f of [dead, live, real, checkpoint]) writeFileSync(f, 'x');
  const root = project.root;
  project.close();
  Project.open(root).close();
  assert.equal(existsSync(dead), false);
  assert.equal(existsSync(checkpoint), false);
  assert.equal(existsSync(live), true);
  assert.equal(existsSync(real), true);
});

test('a queue worker opening a shared project leaves temp files alone: their writer may run on another machine', () => {
  const project = newProject();
  const sub = join(project.images.root, 'cd');
  mkdirSync(sub, { recursive: true });
  // Another host's writer: its process id means nothing on this machine.
  const elsewhere = join(sub, `${'cd'.repeat(32)}.png.999999999.0123abcd.tmp`);
  writeFileSync(elsewhere, 'x');
  const root = project.root;
  project.close();
  Project.openShared(root).close();
  assert.equal(existsSync(elsewhere), true);
  Project.open(root).close();
  assert.equal(existsSync(elsewhere), false, 'the desktop, which owns the folder, cleans it');
});
