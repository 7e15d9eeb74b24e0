// Copies a folder's files into another folder, each atomically (a temporary name beside the
// destination, fsync, rename): a reader or a crash sees a whole file or none. What it
// created is reported, so a caller whose larger operation failed can take it back.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fsyncDir, tempPathFor } from './atomic.ts';

export interface Copied {
  /** Files created, in the order written. */
  files: string[];
  /** Folders created, parents first. */
  dirs: string[];
  bytes: number;
}

export interface CopyTreeOptions {
  /** Leaves out the files and folders it names, by their path relative to `from`, with `/`. */
  skip: (path: string) => boolean;
  /** Where to record what is created, also when the copy fails midway (removeCopied takes it back). */
  copied: Copied;
  onFile?: (copied: Copied) => void;
}

export const nothingCopied = (): Copied => ({ files: [], dirs: [], bytes: 0 });

/**
 * Copies every file under `from` into the same place under `to`. Symbolic links are
 * followed (a files folder may link to images kept elsewhere), but a link back to a folder
 * the walk is inside is an error naming it: followed, it would copy the tree into itself
 * until the path grew too long. An existing destination file is an error: nothing is
 * overwritten.
 */
export function copyTree(from: string, to: string, { skip, copied, onFile }: CopyTreeOptions): Copied {
  // A destination inside the source would be walked while it fills: a copy nested in the copy.
  const nested = relative(realpathSync(from), resolve(to));
  if (nested === '' || !(nested.startsWith('..') || isAbsolute(nested)))
    throw new Error(`${to} is inside ${from}: a folder cannot be copied into itself`);
  /** The real paths of the folders the walk is inside. */
  const inside = new Set<string>();
  /** Folders whose entries changed (a file renamed in, a folder made): synced at the end. */
  const changed = new Set<string>();
  const walk = (dir: string) => {
    const real = realpathSync(dir);
    if (inside.has(real)) throw new Error(`${dir} links back to ${real}, a folder it is inside; not copying a loop`);
    inside.add(real);
    for (const name of readdirSync(dir).sort()) {
      const source = join(dir, name);
      const rel = relative(from, source).split(sep).join('/');
      if (skip(rel)) continue;
      const target = join(to, rel);
      const stat = statSync(source);
      if (stat.isDirectory()) {
        makeDir(target, copied, changed);
        walk(source);
      } else if (stat.isFile()) {
        makeDir(join(target, '..'), copied, changed);
        copyFileAtomic(source, target);
        changed.add(dirname(target));
        copied.files.push(target);
        copied.bytes += stat.size;
        onFile?.(copied);
      }
    }
    inside.delete(real);
  };
  makeDir(to, copied, changed);
  walk(from);
  // The copy is durable before the caller commits what relies on it (a project moved).
  for (const dir of changed) fsyncDir(dir);
  return copied;
}

function makeDir(dir: string, copied: Copied, changed: Set<string>): void {
  if (existsSync(dir)) return;
  makeDir(join(dir, '..'), copied, changed);
  mkdirSync(dir);
  copied.dirs.push(dir);
  changed.add(dirname(dir));
}

function copyFileAtomic(source: string, target: string): void {
  if (existsSync(target)) throw new Error(`${target} already exists; not overwriting it`);
  // A name removeStaleTemps recognises, should the copy be killed.
  const tmp = tempPathFor(target);
  try {
    copyFileSync(source, tmp);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Removes what a copy created: its files, then its folders (deepest first) where empty. */
export function removeCopied(copied: Copied): void {
  for (const file of copied.files) rmSync(file, { force: true });
  for (const dir of [...copied.dirs].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      /* not empty: something else was written there meanwhile, and stays */
    }
  }
}
