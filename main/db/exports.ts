// What exports read: the pages to write, and a page's lines with the text to export (the
// current label, else a chosen model's reading) and its regions. Store-neutral operations
// (ops.ts), run on either store (main/export).
import type { RegionType } from '../../shared/region-types.ts';
import { qb } from './execute.ts';
import { activeDocument } from './line-sets.ts';
import { all, first, map } from './ops.ts';

export const exportReads = {
  /** Every page with its document's name and page count, document by document, in page order. */
  pagesWithDocuments: () =>
    map(
      all(
        qb
          .selectFrom('pages as p')
          .innerJoin('documents as d', 'd.id', 'p.document_id')
          .select((eb) => [
            'p.id',
            'p.page_index',
            'p.image_hash',
            'd.name as document',
            'd.id as document_id',
            eb.selectFrom('pages as q').select(eb.fn.countAll<number>().as('n')).whereRef('q.document_id', '=', 'd.id').as('pages'),
          ])
          // Documents in the project only: not one still importing, nor one set aside.
          .where(activeDocument('d'))
          .orderBy('d.id')
          .orderBy('p.page_index'),
      ),
      (rows) => rows.map((r) => ({ ...r, pages: r.pages ?? 0 })),
    ),

  /** The page's lines in reading order with the current label and the model's reading (none without a model). */
  linesToExport: (pageId: number, modelId: number | undefined) =>
    all(
      qb
        .selectFrom('lines as l')
        .leftJoin('current_transcriptions as ct', 'ct.line_id', 'l.id')
        .leftJoin('predictions as p', (join) => join.onRef('p.line_id', '=', 'l.id').on('p.model_id', '=', modelId ?? -1))
        .select([
          'l.id',
          'l.source_name',
          'l.polygon',
          'l.baseline',
          'l.region_id',
          'ct.text as human',
          'p.text as predicted',
          'p.confidence',
        ])
        .where('l.page_id', '=', pageId)
        .orderBy('l.reading_order')
        .orderBy('l.id'),
    ),

  /** The page's regions in reading order. */
  regionsToExport: (pageId: number) =>
    all(
      qb
        .selectFrom('regions')
        .select(['id', 'type', 'label', 'polygon', 'excluded', 'source_name'])
        .$narrowType<{ type: RegionType }>()
        .where('page_id', '=', pageId)
        .orderBy('reading_order')
        .orderBy('id'),
    ),

  documentName: (documentId: number) => map(first(qb.selectFrom('documents').select('name').where('id', '=', documentId)), (r) => r?.name),
};
