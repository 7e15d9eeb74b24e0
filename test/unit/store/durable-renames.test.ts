// A file renamed into place is on disk only once its folder is synced (POSIX): a database
// row committed afterwards must never name a file that a power cut takes back. Every
// rename that a commit relies on is followed by an fsync of the folder it renamed into, and
// a folder made for it by one of the folder above (node's fs calls recorded with mock.method).
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, join } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../../../main/fs/atomic.ts';
import { copyTree, nothingCopied } from '../../../main/fs/copy-tree.ts';
import { ImageStore } from '../../../main/store/image-store.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { saveTinyVersion } from '../../helpers/tiny-model.ts';

type Event = { call: 'rename'; to: string } | { call: 'mkdir'; dir: string } | { call: 'fsync'; path: string };
let events: Event[] = [];
/** The path each open descriptor was opened on. */
const opened = new Map<number, string>();

beforeEach(() => {
  events = [];
  const { openSync, fsyncSync, renameSync, mkdirSync } = fs;
  mock.method(fs, 'openSync', (path: string, flags: fs.OpenMode = 'r', mode?: fs.Mode) => {
    const fd = openSync(path, flags, mode);
    opened.set(fd, String(path));
    return fd;
  });
  mock.method(fs, 'fsyncSync', (fd: number) => {
    fsyncSync(fd);
    events.push({ call: 'fsync', path: opened.get(fd) ?? `fd ${fd}` });
  });
  mock.method(fs, 'renameSync', (from: string, to: string) => {
    renameSync(from, to);
    events.push({ call: 'rename', to: String(to) });
  });
  mock.method(fs, 'mkdirSync', (dir: string, options?: fs.MakeDirectoryOptions) => {
    const made = mkdirSync(dir, options);
    if (made !== undefined || !options?.recursive) events.push({ call: 'mkdir', dir: String(made ?? dir) });
    return made;
  });
  syncBuiltinESMExports();
});

afterEach(() => {
  mock.restoreAll();
  syncBuiltinESMExports();
});

/** Every rename and folder made is followed by an fsync of the folder holding it. */
function assertDurable(what: string) {
  const renames = events.filter((e) => e.call === 'rename' || e.call === 'mkdir');
  assert.ok(renames.length > 0, `${what}: something was renamed`);
  events.forEach((e, i) => {
    if (e.call === 'fsync') return;
    const target = e.call === 'rename' ? e.to : e.dir;
    const synced = events.slice(i + 1).some((later) => later.call === 'fsync' && later.path === dirname(target));
    assert.ok(synced, `${what}: ${target} is followed by an fsync of ${dirname(target)}; events: ${JSON.stringify(events)}`);
  });
}

test('writeFileAtomic syncs the folder after its rename', () => {
  const dir = tempDir();
  writeFileAtomic(join(dir, 'a.bin'), Buffer.from('abc'));
  assertDurable('writeFileAtomic');
});

test('a model version: its weights are written with one rename, synced, before the row', async () => {
  const project = newProject();
  events = [];
  const version = await saveTinyVersion(project);
  assertDurable('saveVersion');
  const renames = events.filter((e) => e.call === 'rename');
  assert.deepEqual(
    renames.map((e) => e.call === 'rename' && e.to),
    [join(project.root, 'models', `${version.weightsHash}.qmodel`)],
    'renamed once, straight to its name',
  );
  project.close();
});

test('copyTree syncs every folder it renamed a file into or made', () => {
  const from = tempDir();
  fs.mkdirSync(join(from, 'images', 'ab'), { recursive: true });
  fs.writeFileSync(join(from, 'images', 'ab', 'abc.png'), 'x');
  fs.writeFileSync(join(from, 'notes.txt'), 'y');
  const to = join(tempDir(), 'copy');
  events = [];
  copyTree(from, to, { skip: () => false, copied: nothingCopied() });
  assertDurable('copyTree');
});

test('the image store syncs the fan-out folder it makes and each file renamed into it', () => {
  const store = new ImageStore(join(tempDir(), 'images'));
  events = [];
  store.add(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), { thumb: Buffer.from([0xff, 0xd8, 0xff, 0]) });
  assert.ok(
    events.some((e) => e.call === 'mkdir'),
    'the fan-out folder was made',
  );
  assertDurable('ImageStore.add');
});

test('fsyncDir is best effort where the platform refuses a folder (EISDIR, EPERM), and throws other errors', () => {
  const dir = tempDir();
  for (const code of ['EISDIR', 'EPERM']) {
    mock.method(fs, 'openSync', () => {
      throw Object.assign(new Error(code), { code });
    });
    syncBuiltinESMExports();
    assert.doesNotThrow(() => fsyncDir(dir), code);
    mock.restoreAll();
    mock.method(fs, 'fsyncSync', () => {
      throw Object.assign(new Error(code), { code });
    });
    syncBuiltinESMExports();
    assert.doesNotThrow(() => fsyncDir(dir), code);
    mock.restoreAll();
  }
  mock.method(fs, 'fsyncSync', () => {
    throw Object.assign(new Error('EIO'), { code: 'EIO' });
  });
  syncBuiltinESMExports();
  assert.throws(() => fsyncDir(dir), /EIO/);
});
