// Writes an imported document in short transactions. A 400k-line PAGE file written in one
// transaction held SQLite's write lock for seconds, and a save from the app (another
// connection, often another process) failed with "database is locked". Here each
// transaction works for at most `sliceMs` and the lock is then left free for `pauseMs`,
// so a concurrent save waits about one slice. Meanwhile the document is marked as being
// imported (its source_hash carries an `importing:<pid>:` prefix): lists leave it out, a
// failure deletes it, and a later open deletes it when its importing process is gone
// (a crash). A small document still fits in one transaction, as before.
import type { Db } from '../db/database.ts';
import { processAlive } from '../fs/atomic.ts';
import type { ImageStore } from '../store/image-store.ts';
import { insertLines, type NewLine } from './insert-lines.ts';
import { insertRegions, type NewRegion } from '../layout/regions.ts';

const PENDING = 'importing:';
/** SQL condition true for documents whose import has finished (uses the unique index). */
export const FINISHED_DOCUMENT = `NOT (source_hash >= '${PENDING}' AND source_hash < 'importing;')`;

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

export async function writeDocument(db: Db, doc: NewDocument, o: WriteOptions = {}): Promise<number> {
  const sliceMs = o.sliceMs ?? 25;
  const pauseMs = o.pauseMs ?? 25;
  const insertDoc = db.prepare('INSERT INTO documents (name, kind, source_path, source_hash) VALUES (?, ?, ?, ?)');
  const insertPage = db.prepare('INSERT INTO pages (document_id, page_index, image_hash, width, height, dpi) VALUES (?, ?, ?, ?, ?, ?)');
  const finish = db.prepare('UPDATE documents SET source_hash = ? WHERE id = ?');
  // Work items: each page, then its lines in runs; done in order, as many per transaction as the slice allows.
  const RUN = 200;
  const steps: Array<(docId: number, pageIds: number[]) => void> = [];
  const regionIds: number[][] = [];
  doc.pages.forEach((p, k) => {
    steps.push((id, pageIds) => {
      pageIds[k] = Number(insertPage.run(id, k, p.imageHash, p.width, p.height, p.dpi).lastInsertRowid);
      regionIds[k] = insertRegions(db, pageIds[k], p.regions ?? []);
    });
    const lines = p.lines ?? [];
    for (let start = 0; start < lines.length; start += RUN) {
      steps.push((_, pageIds) =>
        insertLines(
          db,
          pageIds[k],
          lines
            .slice(start, start + RUN)
            .map(({ region, ...line }) => ({ ...line, regionId: region === undefined ? null : regionIds[k][region] })),
          doc.transcriptionSource,
          start,
        ),
      );
    }
  });
  let id = 0;
  const pageIds: number[] = [];
  let next = 0;
  try {
    while (true) {
      const finished = db.transaction(() => {
        const began = performance.now();
        if (id === 0)
          id = Number(insertDoc.run(doc.name, doc.kind, doc.sourcePath, `${PENDING}${process.pid}:${doc.sourceHash}`).lastInsertRowid);
        while (next < steps.length && performance.now() - began < sliceMs) steps[next++](id, pageIds);
        if (next < steps.length) return false;
        finish.run(doc.sourceHash, id);
        return true;
      })();
      if (finished) return id;
      await sleep(pauseMs);
    }
  } catch (error) {
    if (id !== 0) db.prepare('DELETE FROM documents WHERE id = ?').run(id);
    throw error;
  }
}

/** Deletes documents left half-imported by a process that no longer runs. */
export function removeAbandonedImports(db: Db): number {
  const rows = db.prepare(`SELECT id, source_hash AS hash FROM documents WHERE NOT (${FINISHED_DOCUMENT})`).all() as Array<{
    id: number;
    hash: string;
  }>;
  const dead = rows.filter((r) => !processAlive(Number(r.hash.slice(PENDING.length).split(':')[0])));
  const del = db.prepare('DELETE FROM documents WHERE id = ?');
  db.transaction(() => dead.forEach((r) => del.run(r.id)))();
  return dead.length;
}

/**
 * Rolls back a page image a failed import added, unless a page refers to it by now: two
 * imports can overlap (the app and the CLI) and share a scan, and "created" only means the
 * file was new when this import looked. The other document's pixels must stay.
 */
export function removeImageIfUnused(db: Db, images: ImageStore, hash: string): void {
  if (!db.prepare('SELECT 1 FROM pages WHERE image_hash = ?').get(hash)) images.remove(hash);
}
