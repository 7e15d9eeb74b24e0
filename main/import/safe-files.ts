// Reading the files an import names, without letting the input choose what is read.
// Imported files (and the image names inside PAGE/ALTO files) come from the user, an
// upload or another tool, so a name may point at a device (/dev/zero never ends), a pipe
// (blocks forever), a huge file, or a picture elsewhere on the machine. Every read here
// opens the file without following it into blocking devices, checks it is a regular file
// under a size cap, and reads at most the size it had when opened.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';

/** Largest scan file read (a 600 dpi A2 TIFF is well under this); uploads use the same cap. */
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024;
/** Largest PAGE/ALTO file read (a 400k-line PAGE file is about 150 MB). */
export const MAX_XML_BYTES = 256 * 1024 * 1024;

export class UnsafeFileError extends Error {
  override name = 'UnsafeFileError';
}

const mib = (n: number) => (n < 1024 * 1024 ? `${n} bytes` : `${(n / 1024 / 1024).toFixed(0)} MB`);

/**
 * Opens `file` for reading and checks that it is a regular file of at most `maxBytes`.
 * O_NONBLOCK keeps a FIFO from blocking the open; fstat on the open descriptor judges
 * the very file that will be read (no window between a check and the open).
 */
function openRegular(file: string, maxBytes: number): { fd: number; size: number } {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafeFileError(`${file}: not a regular file (a device, pipe, socket or folder); refused`);
    if (st.size > maxBytes) throw new UnsafeFileError(`${file}: ${mib(st.size)}, over the limit of ${mib(maxBytes)}`);
    return { fd, size: st.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The whole file, if it is a regular file of at most `maxBytes`. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  const { fd, size } = openRegular(file, maxBytes);
  try {
    const out = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, out, got, size - got, got);
      if (n === 0) break; // truncated while reading: keep what was there
      got += n;
    }
    return got === size ? out : out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of a regular file (for telling XML from images by content). */
export function readHead(file: string, n: number, maxBytes: number): Buffer {
  const { fd, size } = openRegular(file, maxBytes);
  try {
    const out = Buffer.alloc(Math.min(n, size));
    const got = readSync(fd, out, 0, out.length, 0);
    return out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** True when the real path of `file` (links resolved) lies inside one of `roots`. */
export function insideRoots(file: string, roots: string[]): boolean {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return false;
  }
  return roots.some((root) => {
    let r: string;
    try {
      r = realpathSync(root);
    } catch {
      return false;
    }
    return real === r || real.startsWith(r.endsWith(sep) ? r : r + sep);
  });
}

/** A short, clear reason for a file system error (ENOSPC and friends), without a stack. */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || /SQLITE_FULL|database or disk is full/i.test(e?.message ?? ''))
    return 'the disk is full (no space left on device); nothing of this file was kept';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `permission denied (${e.message})`;
  if (e?.code === 'ENOENT') return 'no such file';
  return e?.message ?? String(error);
}

/** The reason of an import error, without the file name its message may start with. */
export function reasonOf(file: string, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code || /SQLITE_FULL/.test(e?.message ?? '')) return describeFsError(error);
  return (e?.message ?? String(error)).split(`${file}: `).join('');
}
