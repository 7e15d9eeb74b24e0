// Files are written next to their destination and renamed into place: a reader (or a
// crash) sees either the old file or the whole new one, never a partial write. The folder
// is synced after the rename, so a database row committed afterwards never names a file
// that a power cut takes back.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync, type Dirent } from 'node:fs';
import { writerAlive } from './process-instance.ts';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The temporary name a file is written under before its rename: it carries the writer's
 * pid, so removeStaleTemps can tell a killed writer's leftover from a running one's.
 */
export const tempPathFor = (path: string): string => `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

export function writeFileAtomic(path: string, data: Uint8Array | Uint8Array[]): void {
  const tmp = tempPathFor(path);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (error) {
    throw naming(error, tmp, path);
  }
  try {
    for (const chunk of Array.isArray(data) ? data : [data]) writeSync(fd, chunk);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw naming(error, tmp, path);
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (error) {
    // A folder where the file should go, or no permission there: the whole temporary copy
    // must not stay behind (outside a project nothing would ever clean it up).
    rmSync(tmp, { force: true });
    throw naming(error, tmp, path);
  }
  fsyncDir(dirname(path));
}

/** The error as the caller's file: the temporary name means nothing to the person who asked. */
function naming(error: unknown, tmp: string, path: string): unknown {
  const e = error as NodeJS.ErrnoException & { dest?: string };
  if (typeof e?.message === 'string') e.message = e.message.split(tmp).join(path);
  if (e?.path === tmp) e.path = path;
  if (e?.dest === tmp) e.dest = path;
  return error;
}

/** What platforms answer where a folder cannot be opened or synced (Windows: EISDIR, EPERM; some file systems: EINVAL). */
const DIR_SYNC_REFUSED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP']);

/**
 * Makes a folder's entries durable (a file renamed or created in it, a folder made): on
 * POSIX a rename is only on disk once its folder is synced. Best effort where the platform
 * refuses to sync a folder (Windows, where NTFS journals the rename itself); other errors throw.
 */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (error) {
    if (DIR_SYNC_REFUSED.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    if (!DIR_SYNC_REFUSED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    closeSync(fd);
  }
}

export { processAlive } from './process-instance.ts';

const mtimeOf = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return NaN;
  }
};

const TEMP = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Whether a file name is an atomic write's temporary one (never a finished file). */
export const isTempName = (name: string): boolean => TEMP.test(name);

/**
 * Removes temporary files that a killed writer left (their name carries the writer's
 * pid; a process with that pid started after the file was written is not its writer);
 * files of writers still running are kept. Returns how many were removed.
 */
export function removeStaleTemps(dir: string, depth = 2): number {
  let removed = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory() && depth > 0) removed += removeStaleTemps(full, depth - 1);
    const m = e.isFile() ? TEMP.exec(e.name) : null;
    // The pid in the name is the writer's only if that process started before the file was written.
    if (m && !writerAlive(Number(m[1]), mtimeOf(full))) {
      // A read-only or shared project must still open: a leftover we cannot remove stays.
      try {
        rmSync(full, { force: true });
        removed++;
      } catch {
        /* left in place */
      }
    }
  }
  return removed;
}
