// The archive of removed lines (deleted_lines): a line that is deleted, merged away or
// replaced by segmentation is kept whole — its row, every transcription row, its model
// readings and its earlier shapes — and can be put back (undo). Restoring marks the
// archive row instead of deleting it, so the record of what happened stays.
import {
  archiveEntriesSince,
  archiveEntry,
  columnsOf,
  deleteLineRow,
  idTaken,
  insertArchiveEntry,
  insertArchivedRow,
  lastArchiveId as lastArchiveRow,
  lineRecord,
  markRestored,
  rowsOfLine,
  type Row,
} from '../db/archive.ts';
import { pageExists } from '../db/pages.ts';
import { regionOnPage, regionShapes } from '../db/regions.ts';
import type { Point } from '../io/layout.ts';
import { authorName } from '../project/author.ts';
import type { Project } from '../project/project.ts';
import { regionHolding } from './regions.ts';

/** What restoring gave back: the line's id now, and the new ids of its transcription rows where they changed. */
export interface RestoredLine {
  lineId: number;
  rows: Map<number, number>;
}

/** Removes a line, keeping a copy of it, of all its transcription rows, readings and earlier shapes; returns the archive row's id. */
export function archiveAndDelete(project: Project, lineId: number, reason: string): number {
  const db = project.db;
  const row = lineRecord(db, lineId);
  if (!row) throw new Error(`no line ${lineId}`);
  const id = insertArchiveEntry(db, {
    lineId,
    pageId: row.page_id as number,
    line: row,
    transcriptions: rowsOfLine(db, 'transcriptions', lineId),
    reason,
    extra: { predictions: rowsOfLine(db, 'predictions', lineId), geometryHistory: rowsOfLine(db, 'line_geometry_history', lineId) },
    deletedBy: authorName(),
  });
  deleteLineRow(db, lineId);
  return id;
}

/** Archive rows written after `afterId`, by the line they hold. */
export function archivedSince(project: Project, afterId: number): Map<number, number> {
  return new Map(archiveEntriesSince(project.db, afterId).map((r) => [r.line_id, r.id]));
}

export const lastArchiveId = (project: Project) => lastArchiveRow(project.db);

/**
 * The region an archived line belongs to now: its own while that is still on the page, else
 * the one holding it (its region was deleted or re-found since, and a freed region id may
 * have gone to another page's region), else none.
 */
function regionNow(project: Project, pageId: number, line: Row): number | null {
  if (line.region_id != null && regionOnPage(project.db, line.region_id as number, pageId)) return line.region_id as number;
  return regionHolding(regionShapes(project.db, pageId), JSON.parse(line.polygon as string) as Point[])?.id ?? null;
}

/**
 * Puts an archived line back on its page, under its old id when that is free (SQLite hands
 * out the highest id again once it is gone), else under a new one. Its transcription rows
 * keep their ids when all are free, else all get new ones in the same order: the current
 * label is the newest row, so their order must hold. Call inside a transaction.
 */
export function restoreArchivedLine(project: Project, archiveId: number): RestoredLine {
  const db = project.db;
  const archived = archiveEntry(db, archiveId);
  if (!archived) throw new Error(`no archived line ${archiveId}`);
  if (archived.restored_at) throw new Error(`archived line ${archived.line_id} was already restored (${archived.restored_at})`);
  if (!pageExists(db, archived.page_id)) throw new Error(`line ${archived.line_id} cannot come back: its page is gone`);
  const line = JSON.parse(archived.line) as Row;
  if ('region_id' in line) line.region_id = regionNow(project, archived.page_id, line);
  const keepId = !idTaken(db, 'lines', archived.line_id);
  const lineId = insertArchivedRow(db, 'lines', line, columnsOf(db, 'lines'), keepId ? [] : ['id']);
  const texts = JSON.parse(archived.transcriptions) as Row[];
  const keepRows = texts.every((t) => !idTaken(db, 'transcriptions', t.id as number));
  const textColumns = columnsOf(db, 'transcriptions');
  const rows = new Map<number, number>();
  for (const t of texts) {
    const id = insertArchivedRow(db, 'transcriptions', { ...t, line_id: lineId }, textColumns, keepRows ? [] : ['id']);
    if (id !== t.id) rows.set(t.id as number, id);
  }
  const extra = JSON.parse(archived.extra ?? '{}') as { predictions?: Row[]; geometryHistory?: Row[] };
  const predictionColumns = columnsOf(db, 'predictions');
  for (const p of extra.predictions ?? []) {
    // A reading of a model deleted since has nothing to belong to.
    if (idTaken(db, 'models', p.model_id as number))
      insertArchivedRow(db, 'predictions', { ...p, line_id: lineId }, predictionColumns, ['id']);
  }
  const historyColumns = columnsOf(db, 'line_geometry_history');
  for (const g of extra.geometryHistory ?? [])
    insertArchivedRow(db, 'line_geometry_history', { ...g, line_id: lineId }, historyColumns, ['id']);
  markRestored(db, archiveId, authorName());
  return { lineId, rows };
}
