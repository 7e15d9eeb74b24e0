// The archive of removed lines (deleted_lines) and the rows it copies: a line's row, its
// transcription rows, model readings and earlier shapes, as JSON; and putting them back.
import { sql } from 'kysely';
import { all, first, now, qb, run, type Db } from './execute.ts';

export type Row = Record<string, unknown>;

/** The tables whose rows an archived line carries (each has a line_id). */
export type LineTable = 'transcriptions' | 'predictions' | 'line_geometry_history';

export const lineRecord = (db: Db, lineId: number): Row | undefined =>
  first(db, qb.selectFrom('lines').selectAll().where('id', '=', lineId));

/** Every row of `table` belonging to the line, oldest first. */
export const rowsOfLine = (db: Db, table: LineTable, lineId: number): Row[] =>
  all(db, qb.selectFrom(table).selectAll().where('line_id', '=', lineId).orderBy('id'));

export interface ArchiveEntry {
  lineId: number;
  pageId: number;
  line: Row;
  transcriptions: Row[];
  reason: string;
  extra: { predictions: Row[]; geometryHistory: Row[] };
  deletedBy: string;
}

export const insertArchiveEntry = (db: Db, e: ArchiveEntry): number =>
  run(
    db,
    qb.insertInto('deleted_lines').values({
      line_id: e.lineId,
      page_id: e.pageId,
      line: JSON.stringify(e.line),
      transcriptions: JSON.stringify(e.transcriptions),
      reason: e.reason,
      extra: JSON.stringify(e.extra),
      deleted_by: e.deletedBy,
    }),
  ).lastId;

export const deleteLineRow = (db: Db, lineId: number): void => {
  run(db, qb.deleteFrom('lines').where('id', '=', lineId));
};

export const archiveEntry = (db: Db, archiveId: number) =>
  first(db, qb.selectFrom('deleted_lines').selectAll().where('id', '=', archiveId));

/** Archive rows written after `afterId`, oldest first. */
export const archiveEntriesSince = (db: Db, afterId: number) =>
  all(db, qb.selectFrom('deleted_lines').select(['id', 'line_id']).where('id', '>', afterId).orderBy('id'));

export const lastArchiveId = (db: Db): number =>
  first(db, qb.selectFrom('deleted_lines').select(sql<number>`coalesce(max(id), 0)`.as('id')))!.id;

export const markRestored = (db: Db, archiveId: number, restoredBy: string): void => {
  run(db, qb.updateTable('deleted_lines').set({ restored_at: now, restored_by: restoredBy }).where('id', '=', archiveId));
};

/** The columns a table has now (an archive may predate a column, or hold one since dropped). */
export const columnsOf = (db: Db, table: 'lines' | LineTable): Set<string> =>
  new Set(all(db, sql<{ name: string }>`PRAGMA table_info(${sql.table(table)})`).map((c) => c.name));

/** Whether `table` has a row with this id. */
export const idTaken = (db: Db, table: 'lines' | 'transcriptions' | 'models', id: number): boolean =>
  first(db, qb.selectFrom(table).select('id').where('id', '=', id)) !== undefined;

/**
 * Inserts an archived row into `table` with the columns among `columns` (columnsOf); `skip`
 * leaves some out (the id, to get a new one). Returns the row's id.
 */
export function insertArchivedRow(db: Db, table: 'lines' | LineTable, row: Row, columns: Set<string>, skip: string[] = []): number {
  const values = Object.fromEntries(Object.entries(row).filter(([k]) => columns.has(k) && !skip.includes(k)));
  // The row's columns are known only at run time (checked against the live table above).
  return run(db, qb.insertInto(table).values(values as never)).lastId;
}

/** Whether the archive row still holds its line (not restored since). */
export const stillArchived = (db: Db, archiveId: number): boolean =>
  first(db, qb.selectFrom('deleted_lines').select('id').where('id', '=', archiveId).where('restored_at', 'is', null)) !== undefined;
