// The undo history's records: each line of a page with its current transcription row (what
// an edit changed), withdrawing and restoring transcription rows (rows are marked, never
// removed), and the log of every undo and redo.
import { all, first, now, qb, run, type Db } from './execute.ts';

/** The page's lines in reading order: shape, split and current transcription row (null: unlabeled). */
export const lineStates = (db: Db, pageId: number) =>
  all(
    db,
    qb
      .selectFrom('lines as l')
      .leftJoin('current_transcriptions as ct', 'ct.line_id', 'l.id')
      .select(['l.id', 'l.polygon', 'l.baseline', 'l.split', 'ct.id as row'])
      .where('l.page_id', '=', pageId)
      .orderBy('l.reading_order')
      .orderBy('l.id'),
  );

/** A line's shape and split, or undefined. */
export const lineShape = (db: Db, lineId: number) =>
  first(db, qb.selectFrom('lines').select(['polygon', 'baseline', 'split']).where('id', '=', lineId));

/** Brings a withdrawn transcription row of the line back. */
export const unwithdraw = (db: Db, lineId: number, rowId: number): void => {
  run(
    db,
    qb
      .updateTable('transcriptions')
      .set({ withdrawn_at: null })
      .where('id', '=', rowId)
      .where('line_id', '=', lineId)
      .where('withdrawn_at', 'is not', null),
  );
};

/** Withdraws the line's human and imported rows after `afterId` that are not withdrawn yet. */
export const withdrawAfter = (db: Db, lineId: number, afterId: number): void => {
  run(
    db,
    qb
      .updateTable('transcriptions')
      .set({ withdrawn_at: now })
      .where('line_id', '=', lineId)
      .where('id', '>', afterId)
      .where('withdrawn_at', 'is', null)
      .where('source', 'not like', 'model:%'),
  );
};

/** Records an undo or redo: its label, the pages and lines it touched, and who did it. */
export const logUndo = (db: Db, action: 'undo' | 'redo', label: string, touched: unknown, author: string): void => {
  run(db, qb.insertInto('undo_log').values({ action, label, touched: JSON.stringify(touched), author }));
};
