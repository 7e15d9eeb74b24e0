// Browser-mode uploads, staged on disk. A request body is streamed to a file in a
// private temporary folder, never held in memory, and refused (413) once it passes the
// size cap. Files of one batch (a PAGE/ALTO file with its images) share a folder with a
// cap on its total size; a batch that is not finished in time expires. A file refused or cut
// short leaves nothing of itself, and the files of its batch staged before it stay: they are
// imported with the batch, and the refused one is reported by name. Folders are named with the server's pid, so a server started
// after a crash removes the folders of servers that are gone.
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { processAlive } from '../fs/atomic.ts';
import { MAX_IMAGE_BYTES } from '../import/safe-files.ts';

export interface UploadLimits {
  /** Largest single file. */
  maxFileBytes: number;
  /** Largest total of one batch. */
  maxBatchBytes: number;
  /** A batch idle for longer than this is removed. */
  batchTtlMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: MAX_IMAGE_BYTES,
  maxBatchBytes: 2 * MAX_IMAGE_BYTES,
  batchTtlMs: 30 * 60_000,
};

const PREFIX = 'quire-upload-';

export class PayloadTooLarge extends Error {
  override name = 'PayloadTooLarge';
}

interface Batch {
  dir: string;
  bytes: number;
  touched: number;
}

/** Removes upload folders left by servers that no longer run (a crash or a kill). */
export function removeOrphanedUploads(root = tmpdir()): number {
  let removed = 0;
  for (const name of readdirSync(root)) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (m && !processAlive(Number(m[1]))) {
      // Another user's leftovers in a shared temp folder may not be ours to remove: skip them
      // rather than refuse to start.
      try {
        rmSync(join(root, name), { recursive: true, force: true });
        removed++;
      } catch {
        /* not ours */
      }
    }
  }
  return removed;
}

/**
 * Writes the body to `file`, failing with `tooLarge()` once it passes `limit`. On
 * failure the rest of the body is read and discarded (not stored), so the client gets
 * the answer instead of a reset connection.
 */
function streamToFile(req: IncomingMessage, file: string, limit: number, tooLarge: () => PayloadTooLarge): Promise<number> {
  return new Promise((ok, fail) => {
    const out = createWriteStream(file, { flags: 'wx' });
    let bytes = 0;
    let failed = false;
    const stop = (error: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(out);
      out.destroy();
      req.resume();
      fail(error);
    };
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > limit) stop(tooLarge());
    });
    req.on('error', stop);
    req.on('close', () => {
      if (!req.complete) stop(new Error('upload interrupted'));
    });
    out.on('error', stop);
    out.on('finish', () => {
      if (!failed) ok(bytes);
    });
    req.pipe(out);
  });
}

export class UploadStaging {
  private readonly batches = new Map<string, Batch>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
    private readonly root = tmpdir(),
  ) {
    removeOrphanedUploads(root);
    this.timer = setInterval(() => this.expire(), Math.min(60_000, Math.max(1000, limits.batchTtlMs))).unref();
  }

  private newDir(): string {
    return mkdtempSync(join(this.root, `${PREFIX}${process.pid}-`));
  }

  /** Removes batches idle for longer than the time to live. */
  expire(now = Date.now()): void {
    for (const [id, b] of this.batches) {
      if (now - b.touched > this.limits.batchTtlMs) this.drop(id);
    }
  }

  private drop(id: string): void {
    const b = this.batches.get(id);
    if (b) rmSync(b.dir, { recursive: true, force: true });
    this.batches.delete(id);
  }

  /**
   * Streams the request body into a file named `name` (its base name only); with a batch,
   * into the batch's folder. A body over the cap, or a failed transfer, leaves nothing of
   * itself (the batch keeps the files staged before it).
   */
  async receive(req: IncomingMessage, name: string, batch: string | null): Promise<{ dir: string; file: string }> {
    this.expire();
    const safeName = basename(name) || 'upload';
    let b = batch === null ? undefined : this.batches.get(batch);
    if (batch !== null && !b) this.batches.set(batch, (b = { dir: this.newDir(), bytes: 0, touched: Date.now() }));
    const dir = b?.dir ?? this.newDir();
    const left = b ? this.limits.maxBatchBytes - b.bytes : Infinity;
    const limit = Math.min(this.limits.maxFileBytes, left);
    // Which cap a refusal names: a file's own, or what the files uploaded together may reach.
    const over = (bytes: number | null) =>
      left < this.limits.maxFileBytes
        ? `the files uploaded together would pass the limit of ${this.limits.maxBatchBytes} bytes for one upload (${b!.bytes} bytes staged before this one): upload fewer files at a time`
        : `${bytes === null ? 'upload' : `upload of ${bytes} bytes`} is over the limit of ${limit} bytes for a file`;
    const file = join(dir, safeName);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (b && existsSync(file)) {
      // Two files of one name (from two folders): the one staged stays, this one is refused.
      req.resume();
      throw new Error(`a file named ${safeName} is already in this upload; rename one of them`);
    }
    try {
      if (declared > limit) {
        req.resume();
        throw new PayloadTooLarge(over(declared));
      }
      const bytes = await streamToFile(req, file, limit, () => new PayloadTooLarge(over(null)));
      if (b) {
        b.bytes += bytes;
        b.touched = Date.now();
      }
      return { dir, file };
    } catch (error) {
      if (b) {
        rmSync(file, { force: true });
        b.touched = Date.now();
      } else rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The batch's folder, handed over to the caller (who removes it), or undefined. */
  take(batch: string): string | undefined {
    this.expire();
    const b = this.batches.get(batch);
    this.batches.delete(batch);
    return b?.dir;
  }

  close(): void {
    clearInterval(this.timer);
    for (const id of [...this.batches.keys()]) this.drop(id);
  }
}
