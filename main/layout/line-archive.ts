// The archive of removed lines (deleted_lines): a line that is deleted, merged away or
// replaced by segmentation is kept whole — its row, every transcription row, its model
// readings and its earlier shapes — and can be put back (undo). Restoring marks the
// archive row instead of deleting it, so the record of what happened stays.
import type { Point } from '../io/layout.ts';
import type { Project } from '../project/project.ts';
import { regionHolding } from './regions.ts';

type Row = Record<string, unknown>;

interface Archived {
  id: number;
  line_id: number;
  page_id: number;
  line: string;
  transcriptions: string;
  extra: string | null;
  restored_at: string | null;
}

/** What restoring gave back: the line's id now, and the new ids of its transcription rows where they changed. */
export interface RestoredLine {
  lineId: number;
  rows: Map<number, number>;
}

/** Removes a line, keeping a copy of it, of all its transcription rows, readings and earlier shapes; returns the archive row's id. */
export function archiveAndDelete(project: Project, lineId: number, reason: string): number {
  const db = project.db;
  const row = db.prepare('SELECT * FROM lines WHERE id = ?').get(lineId) as { page_id: number } | undefined;
  if (!row) throw new Error(`no line ${lineId}`);
  const all = (table: string) => db.prepare(`SELECT * FROM ${table} WHERE line_id = ? ORDER BY id`).all(lineId);
  const extra = { predictions: all('predictions'), geometryHistory: all('line_geometry_history') };
  const id = Number(
    db
      .prepare('INSERT INTO deleted_lines (line_id, page_id, line, transcriptions, reason, extra) VALUES (?, ?, ?, ?, ?, ?)')
      .run(lineId, row.page_id, JSON.stringify(row), JSON.stringify(all('transcriptions')), reason, JSON.stringify(extra)).lastInsertRowid,
  );
  db.prepare('DELETE FROM lines WHERE id = ?').run(lineId);
  return id;
}

/** Archive rows written after `afterId`, by the line they hold. */
export function archivedSince(project: Project, afterId: number): Map<number, number> {
  const rows = project.db.prepare('SELECT id, line_id FROM deleted_lines WHERE id > ? ORDER BY id').all(afterId) as Array<{
    id: number;
    line_id: number;
  }>;
  return new Map(rows.map((r) => [r.line_id, r.id]));
}

export const lastArchiveId = (project: Project) =>
  (project.db.prepare('SELECT coalesce(max(id), 0) AS id FROM deleted_lines').get() as { id: number }).id;

const columnsOf = (project: Project, table: string) =>
  new Set((project.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));

/** Inserts `row` into `table` with the columns the table has now (an archive may predate a column, or hold one since dropped). */
function insertRow(project: Project, table: string, row: Row, columns: Set<string>, skip: string[] = []): number {
  const names = Object.keys(row).filter((k) => columns.has(k) && !skip.includes(k));
  return Number(
    project.db
      .prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(...names.map((k) => row[k] as string | number | null)).lastInsertRowid,
  );
}

const taken = (project: Project, table: string, id: number) =>
  project.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;

/**
 * The region an archived line belongs to now: its own while that is still on the page, else
 * the one holding it (its region was deleted or re-found since, and a freed region id may
 * have gone to another page's region), else none.
 */
function regionNow(project: Project, pageId: number, line: Row): number | null {
  const db = project.db;
  if (line.region_id != null && db.prepare('SELECT 1 FROM regions WHERE id = ? AND page_id = ?').get(line.region_id as number, pageId))
    return line.region_id as number;
  const regions = (
    db.prepare('SELECT id, polygon FROM regions WHERE page_id = ? ORDER BY reading_order, id').all(pageId) as Array<{
      id: number;
      polygon: string;
    }>
  ).map((r) => ({ id: r.id, polygon: JSON.parse(r.polygon) as Point[] }));
  return regionHolding(regions, JSON.parse(line.polygon as string) as Point[])?.id ?? null;
}

/**
 * Puts an archived line back on its page, under its old id when that is free (SQLite hands
 * out the highest id again once it is gone), else under a new one. Its transcription rows
 * keep their ids when all are free, else all get new ones in the same order: the current
 * label is the newest row, so their order must hold. Call inside a transaction.
 */
export function restoreArchivedLine(project: Project, archiveId: number): RestoredLine {
  const db = project.db;
  const archived = db.prepare('SELECT * FROM deleted_lines WHERE id = ?').get(archiveId) as Archived | undefined;
  if (!archived) throw new Error(`no archived line ${archiveId}`);
  if (archived.restored_at) throw new Error(`archived line ${archived.line_id} was already restored (${archived.restored_at})`);
  if (!db.prepare('SELECT 1 FROM pages WHERE id = ?').get(archived.page_id))
    throw new Error(`line ${archived.line_id} cannot come back: its page is gone`);
  const line = JSON.parse(archived.line) as Row;
  if ('region_id' in line) line.region_id = regionNow(project, archived.page_id, line);
  const keepId = !taken(project, 'lines', archived.line_id);
  const lineId = insertRow(project, 'lines', line, columnsOf(project, 'lines'), keepId ? [] : ['id']);
  const texts = JSON.parse(archived.transcriptions) as Row[];
  const keepRows = texts.every((t) => !taken(project, 'transcriptions', t.id as number));
  const textColumns = columnsOf(project, 'transcriptions');
  const rows = new Map<number, number>();
  for (const t of texts) {
    const id = insertRow(project, 'transcriptions', { ...t, line_id: lineId }, textColumns, keepRows ? [] : ['id']);
    if (id !== t.id) rows.set(t.id as number, id);
  }
  const extra = JSON.parse(archived.extra ?? '{}') as { predictions?: Row[]; geometryHistory?: Row[] };
  const predictionColumns = columnsOf(project, 'predictions');
  for (const p of extra.predictions ?? []) {
    // A reading of a model deleted since has nothing to belong to.
    if (db.prepare('SELECT 1 FROM models WHERE id = ?').get(p.model_id as number))
      insertRow(project, 'predictions', { ...p, line_id: lineId }, predictionColumns, ['id']);
  }
  const historyColumns = columnsOf(project, 'line_geometry_history');
  for (const g of extra.geometryHistory ?? [])
    insertRow(project, 'line_geometry_history', { ...g, line_id: lineId }, historyColumns, ['id']);
  db.prepare("UPDATE deleted_lines SET restored_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(archiveId);
  return { lineId, rows };
}
