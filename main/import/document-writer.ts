// Writes an imported document in short transactions. A 400k-line PAGE file written in one
// transaction held SQLite's write lock for seconds, and a save from the app (another
// connection, often another process) failed with "database is locked". Here each
// transaction works for at most `sliceMs` and the lock is then left free for `pauseMs`,
// so a concurrent save waits about one slice. Meanwhile the document is marked as being
// imported (its source_hash carries an `importing:<pid>:` prefix): lists leave it out, a
// failure deletes it, and a later open deletes it when its importing process is gone
// (a crash). A small document still fits in one transaction, as before.
import type { Db } from '../db/database.ts';
import { documents } from '../db/documents.ts';
import { desktopRunner, perform } from '../db/execute.ts';
import { PENDING_IMPORT as PENDING } from '../db/line-sets.ts';
import { step, transaction, type Program, type Runner } from '../db/ops.ts';
import { pages } from '../db/pages.ts';
import { regions, type NewRegion } from '../db/regions.ts';
import { authorName } from '../project/author.ts';
import type { ImageStore } from '../store/image-store.ts';
import { IMPORT_AUTHOR, insertLinesOp, type NewLine } from './insert-lines.ts';

/** SQL condition true for documents in the project: import finished, not removed (defined in main/db/line-sets.ts). */
export { ACTIVE_DOCUMENT } from '../db/line-sets.ts';

export interface NewPage {
  imageHash: string;
  width: number;
  height: number;
  dpi: number | null;
  /** Text regions in reading order; each line names its region by index (`region`). */
  regions?: NewRegion[];
  lines?: Array<NewLine & { region?: number }>;
}

export interface NewDocument {
  name: string;
  kind: 'scan' | 'lines';
  sourcePath: string;
  sourceHash: string;
  pages: NewPage[];
  transcriptionSource: string;
}

export interface WriteOptions {
  sliceMs?: number;
  pauseMs?: number;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Writes the document on a project folder's database. */
export const writeDocument = (db: Db, doc: NewDocument, o: WriteOptions = {}): Promise<number> =>
  writeDocumentAt(
    desktopRunner(() => db),
    doc,
    o,
  );

/** Writes the document on either store (`run`: a project folder's or a team server's). */
export async function writeDocumentAt(run: Runner, doc: NewDocument, o: WriteOptions = {}): Promise<number> {
  const sliceMs = o.sliceMs ?? 25;
  const pauseMs = o.pauseMs ?? 25;
  // Named now, in the caller's context: a team server's upload imports as its account, which
  // is recorded as the imported texts' author (their source still names the file).
  const author = authorName(IMPORT_AUTHOR);
  // Work items: each page, then its lines in runs; done in order, as many per transaction as the slice allows.
  const RUN = 200;
  const steps: Array<(docId: number, pageIds: number[]) => Program<void>> = [];
  const regionIds: number[][] = [];
  doc.pages.forEach((p, k) => {
    steps.push(function* (id, pageIds) {
      pageIds[k] = yield* step(
        pages.insertPage({ documentId: id, index: k, imageHash: p.imageHash, width: p.width, height: p.height, dpi: p.dpi }),
      );
      regionIds[k] = yield* regions.insertRegions(pageIds[k], p.regions ?? []);
    });
    const lines = p.lines ?? [];
    for (let start = 0; start < lines.length; start += RUN) {
      steps.push(function* (_, pageIds) {
        yield* insertLinesOp(
          pageIds[k],
          lines
            .slice(start, start + RUN)
            .map(({ region, ...line }) => ({ ...line, regionId: region === undefined ? null : regionIds[k][region] })),
          doc.transcriptionSource,
          start,
          author,
        );
      });
    }
  });
  let id = 0;
  const pageIds: number[] = [];
  let next = 0;
  try {
    while (true) {
      const finished = await run(
        transaction(function* (): Program<boolean> {
          const began = performance.now();
          if (id === 0) id = yield* step(documents.insertDocument({ ...doc, sourceHash: `${PENDING}${process.pid}:${doc.sourceHash}` }));
          while (next < steps.length && performance.now() - began < sliceMs) yield* steps[next++](id, pageIds);
          if (next < steps.length) return false;
          yield* step(documents.setSourceHash(id, doc.sourceHash));
          return true;
        }),
      );
      if (finished) return id;
      await sleep(pauseMs);
    }
  } catch (error) {
    if (id !== 0) await run(documents.deleteDocument(id));
    throw error;
  }
}

/**
 * Rolls back a page image a failed import added, unless a page refers to it by now: two
 * imports can overlap (the app and the CLI) and share a scan, and "created" only means the
 * file was new when this import looked. The other document's pixels must stay.
 */
export function removeImageIfUnused(db: Db, images: ImageStore, hash: string): void {
  if (!perform(db, pages.imageInUse(hash))) images.remove(hash);
}

/** removeImageIfUnused on either store. */
export async function removeImageIfUnusedAt(run: Runner, images: ImageStore, hash: string): Promise<void> {
  if (!(await run(pages.imageInUse(hash)))) images.remove(hash);
}
