// The undo history's records: each line of a page with its current transcription row and
// region, and each region of the page (what an edit changed), withdrawing and restoring transcription rows (rows are marked, never
// removed), and the log of every undo and redo. Store-neutral operations (ops.ts), run by the
// programs of main/edits on either store.
import { now, onDesktop, qb } from './execute.ts';
import { all, first, none, run } from './ops.ts';

export const history = {
  /** The page's lines in reading order: shape, split, current transcription row (null: unlabeled) and region. */
  lineStates: (pageId: number) =>
    all(
      qb
        .selectFrom('lines as l')
        .leftJoin('current_transcriptions as ct', 'ct.line_id', 'l.id')
        .select(['l.id', 'l.polygon', 'l.baseline', 'l.split', 'ct.id as row', 'l.region_id as region'])
        .where('l.page_id', '=', pageId)
        .orderBy('l.reading_order')
        .orderBy('l.id'),
    ),

  /** The page's regions in reading order: every column an edit may change but the order itself. */
  regionStates: (pageId: number) =>
    all(
      qb
        .selectFrom('regions')
        .select(['id', 'polygon', 'type', 'label', 'excluded', 'by_hand', 'source_name'])
        .where('page_id', '=', pageId)
        .orderBy('reading_order')
        .orderBy('id'),
    ),

  /** A line's shape, split and region, or undefined. */
  lineShape: (lineId: number) =>
    first(qb.selectFrom('lines').select(['polygon', 'baseline', 'split', 'region_id']).where('id', '=', lineId)),

  /** Brings a withdrawn transcription row of the line back. */
  unwithdraw: (lineId: number, rowId: number) =>
    none(
      run(
        qb
          .updateTable('transcriptions')
          .set({ withdrawn_at: null })
          .where('id', '=', rowId)
          .where('line_id', '=', lineId)
          .where('withdrawn_at', 'is not', null),
      ),
    ),

  /** Withdraws the line's human and imported rows after `afterId` that are not withdrawn yet. */
  withdrawAfter: (lineId: number, afterId: number) =>
    none(
      run(
        qb
          .updateTable('transcriptions')
          .set({ withdrawn_at: now })
          .where('line_id', '=', lineId)
          .where('id', '>', afterId)
          .where('withdrawn_at', 'is', null)
          .where('source', 'not like', 'model:%'),
      ),
    ),

  /** Records an undo or redo: its label, the pages and lines it touched, and who did it. */
  logUndo: (action: 'undo' | 'redo', label: string, touched: unknown, author: string) =>
    none(run(qb.insertInto('undo_log').values({ action, label, touched: JSON.stringify(touched), author }))),
};

export const { withdrawAfter } = onDesktop(history);
