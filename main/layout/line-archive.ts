// The archive of removed lines (deleted_lines): a line that is deleted, merged away or
// replaced by segmentation is kept whole — its row, every transcription row, its model
// readings and its earlier shapes — and can be put back (undo). Restoring marks the
// archive row instead of deleting it, so the record of what happened stays. Written once as
// store-neutral programs (main/db/ops.ts, `lineArchive`), run on a project folder by the
// functions of a Project below and on the server store by the team server.
import { archive, columnsOf, type Row } from '../db/archive.ts';
import { perform } from '../db/execute.ts';
import { step, type Program } from '../db/ops.ts';
import { leastConfident } from '../db/predictions.ts';
import { pages } from '../db/pages.ts';
import { regions } from '../db/regions.ts';
import type { Point } from '../io/layout.ts';
import { authorName } from '../project/author.ts';
import type { Project } from '../project/project.ts';
import { regionHolding } from './regions.ts';

/** What restoring gave back: the line's id now, and the new ids of its transcription rows where they changed. */
export interface RestoredLine {
  lineId: number;
  rows: Map<number, number>;
}

/**
 * Removes a line, keeping a copy of it, of all its transcription rows, readings and earlier
 * shapes; answers the archive row's id. `author`: who removes it where no account is signed
 * in (a queue worker, for the account that started its job).
 */
function* archiveAndDeleteOp(lineId: number, reason: string, author?: string): Program<number> {
  const row = yield* step(archive.lineRecord(lineId));
  if (!row) throw new Error(`no line ${lineId}`);
  const id = yield* step(
    archive.insertArchiveEntry({
      lineId,
      pageId: row.page_id as number,
      line: row,
      transcriptions: yield* step(archive.rowsOfLine('transcriptions', lineId)),
      reason,
      extra: {
        predictions: yield* step(archive.rowsOfLine('predictions', lineId)),
        geometryHistory: yield* step(archive.rowsOfLine('line_geometry_history', lineId)),
      },
      deletedBy: authorName(author),
    }),
  );
  yield* step(archive.deleteLineRow(lineId));
  return id;
}

/** Archive rows written after `afterId`, by the line they hold. */
function* archivedSinceOp(afterId: number): Program<Map<number, number>> {
  return new Map((yield* step(archive.archiveEntriesSince(afterId))).map((r) => [r.line_id, r.id]));
}

/**
 * The region an archived line belongs to now: its own while that is still on the page, else
 * the one holding it (its region was deleted or re-found since, and a freed region id may
 * have gone to another page's region), else none.
 */
function* regionNow(pageId: number, line: Row): Program<number | null> {
  if (line.region_id != null && (yield* step(regions.regionOnPage(line.region_id as number, pageId)))) return line.region_id as number;
  return regionHolding(yield* step(regions.regionShapes(pageId)), JSON.parse(line.polygon as string) as Point[])?.id ?? null;
}

/**
 * Puts an archived line back on its page, under its old id when that is free (SQLite hands
 * out the highest id again once it is gone), else under a new one. Its transcription rows
 * keep their ids when all are free, else all get new ones in the same order: the current
 * label is the newest row, so their order must hold. Run it inside a transaction.
 */
function* restoreArchivedLineOp(archiveId: number): Program<RestoredLine> {
  const archived = yield* step(archive.archiveEntry(archiveId));
  if (!archived) throw new Error(`no archived line ${archiveId}`);
  if (archived.restored_at) throw new Error(`archived line ${archived.line_id} was already restored (${archived.restored_at})`);
  if (!(yield* step(pages.pageExists(archived.page_id)))) throw new Error(`line ${archived.line_id} cannot come back: its page is gone`);
  const line = JSON.parse(archived.line) as Row;
  if ('region_id' in line) line.region_id = yield* regionNow(archived.page_id, line);
  const keepId = !(yield* step(archive.idTaken('lines', archived.line_id)));
  const lineId = yield* step(archive.insertArchivedRow('lines', line, columnsOf('lines'), keepId ? [] : ['id']));
  const texts = JSON.parse(archived.transcriptions) as Row[];
  let keepRows = true;
  for (const t of texts) if (yield* step(archive.idTaken('transcriptions', t.id as number))) keepRows = false;
  const rows = new Map<number, number>();
  for (const t of texts) {
    const id = yield* step(
      archive.insertArchivedRow('transcriptions', { ...t, line_id: lineId }, columnsOf('transcriptions'), keepRows ? [] : ['id']),
    );
    if (id !== t.id) rows.set(t.id as number, id);
  }
  const extra = JSON.parse(archived.extra ?? '{}') as { predictions?: Row[]; geometryHistory?: Row[] };
  for (const p of extra.predictions ?? []) {
    // A reading of a model deleted since has nothing to belong to.
    if (yield* step(archive.idTaken('models', p.model_id as number))) {
      // A line removed before migration 15 was archived without its ranking key.
      const min = p.min_confidence ?? leastConfident({ confidence: p.confidence as number, charConfidence: p.char_confidence as string });
      yield* step(
        archive.insertArchivedRow('predictions', { ...p, line_id: lineId, min_confidence: min }, columnsOf('predictions'), ['id']),
      );
    }
  }
  for (const g of extra.geometryHistory ?? [])
    yield* step(archive.insertArchivedRow('line_geometry_history', { ...g, line_id: lineId }, columnsOf('line_geometry_history'), ['id']));
  yield* step(archive.markRestored(archiveId, authorName()));
  return { lineId, rows };
}

/** The archive's programs, for either store. */
export const lineArchive = {
  archiveAndDelete: archiveAndDeleteOp,
  archivedSince: archivedSinceOp,
  restoreArchivedLine: restoreArchivedLineOp,
};

export const archiveAndDelete = (project: Project, lineId: number, reason: string): number =>
  perform(project.db, archiveAndDeleteOp(lineId, reason));

export const archivedSince = (project: Project, afterId: number): Map<number, number> => perform(project.db, archivedSinceOp(afterId));

export const lastArchiveId = (project: Project): number => perform(project.db, archive.lastArchiveId());

export const restoreArchivedLine = (project: Project, archiveId: number): RestoredLine =>
  perform(project.db, restoreArchivedLineOp(archiveId));
