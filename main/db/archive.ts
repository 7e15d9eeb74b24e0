// The archive of removed lines (deleted_lines) and the rows it copies: a line's row, its
// transcription rows, model readings and earlier shapes, as JSON; and putting them back.
// Store-neutral operations (ops.ts), run by the programs of main/layout/line-archive.ts.
import { sql } from 'kysely';
import { now, qb } from './execute.ts';
import { all, first, found, lastId, map, none, run } from './ops.ts';
import { SCHEMA_COLUMNS } from './schema.ts';

export type Row = Record<string, unknown>;

/** The tables whose rows an archived line carries (each has a line_id). */
export type LineTable = 'transcriptions' | 'predictions' | 'line_geometry_history';

export interface ArchiveEntry {
  lineId: number;
  pageId: number;
  line: Row;
  transcriptions: Row[];
  reason: string;
  extra: { predictions: Row[]; geometryHistory: Row[] };
  deletedBy: string;
}

/**
 * The columns a table has now (an archive may predate a column, or hold one since dropped):
 * the schema's, which test/unit/db/schema.test.ts holds to the live tables of both stores.
 */
export const columnsOf = (table: 'lines' | LineTable): Set<string> => new Set(Object.keys(SCHEMA_COLUMNS[table]));

export const archive = {
  lineRecord: (lineId: number) => first<Row>(qb.selectFrom('lines').selectAll().where('id', '=', lineId)),

  /** Every row of `table` belonging to the line, oldest first. */
  rowsOfLine: (table: LineTable, lineId: number) => all<Row>(qb.selectFrom(table).selectAll().where('line_id', '=', lineId).orderBy('id')),

  insertArchiveEntry: (e: ArchiveEntry) =>
    map(
      run(
        qb.insertInto('deleted_lines').values({
          line_id: e.lineId,
          page_id: e.pageId,
          line: JSON.stringify(e.line),
          transcriptions: JSON.stringify(e.transcriptions),
          reason: e.reason,
          extra: JSON.stringify(e.extra),
          deleted_by: e.deletedBy,
        }),
      ),
      lastId,
    ),

  deleteLineRow: (lineId: number) => none(run(qb.deleteFrom('lines').where('id', '=', lineId))),

  archiveEntry: (archiveId: number) => first(qb.selectFrom('deleted_lines').selectAll().where('id', '=', archiveId)),

  /** Archive rows written after `afterId`, oldest first. */
  archiveEntriesSince: (afterId: number) =>
    all(qb.selectFrom('deleted_lines').select(['id', 'line_id']).where('id', '>', afterId).orderBy('id')),

  lastArchiveId: () => map(first(qb.selectFrom('deleted_lines').select(sql<number>`coalesce(max(id), 0)`.as('id'))), (r) => r!.id),

  markRestored: (archiveId: number, restoredBy: string) =>
    none(run(qb.updateTable('deleted_lines').set({ restored_at: now, restored_by: restoredBy }).where('id', '=', archiveId))),

  /** Whether `table` has a row with this id. */
  idTaken: (table: 'lines' | 'transcriptions' | 'models', id: number) =>
    map(first(qb.selectFrom(table).select('id').where('id', '=', id)), found),

  /**
   * Inserts an archived row into `table` with the columns among `columns` (columnsOf); `skip`
   * leaves some out (the id, to get a new one). Answers the row's id.
   */
  insertArchivedRow: (table: 'lines' | LineTable, row: Row, columns: Set<string>, skip: string[] = []) => {
    const values = Object.fromEntries(Object.entries(row).filter(([k]) => columns.has(k) && !skip.includes(k)));
    // The row's columns are known only at run time (checked against the schema above).
    return map(run(qb.insertInto(table).values(values as never)), lastId);
  },

  /** Whether the archive row still holds its line (not restored since). */
  stillArchived: (archiveId: number) =>
    map(first(qb.selectFrom('deleted_lines').select('id').where('id', '=', archiveId).where('restored_at', 'is', null)), found),
};
