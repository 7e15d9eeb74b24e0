// Pages of a document: a scan's page image, or one imported line image.
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below.
import { sql } from 'kysely';
import type { PageSummary } from '../../shared/api.ts';
import { onDesktop, qb } from './execute.ts';
import { all, first, found, lastId, map, none, PerDialect, run, type Program } from './ops.ts';
import { inChunks } from './id-chunks.ts';
import { labeled, notExcluded, predicted } from './line-sets.ts';

export interface PageRow {
  documentId: number;
  index: number;
  imageHash: string;
  width: number;
  height: number;
  dpi: number | null;
}

/** A page summary's columns (shared/api.ts PageSummary) for pages aliased `p`; lines of excluded regions are not counted. */
const summaryOf = () => {
  const count = qb.fn.countAll<number>();
  const lines = () =>
    qb.selectFrom('lines as l').select(count.as('n')).where('l.page_id', '=', sql.ref<number>('p.id')).where(notExcluded());
  return [
    'p.id',
    'p.document_id as documentId',
    'p.page_index as index',
    'p.image_hash as image',
    'p.width',
    'p.height',
    'p.dpi',
    lines().as('lines'),
    lines().where(labeled()).as('labeled'),
    lines().where(predicted()).as('predicted'),
  ] as const;
};

export const pages = {
  insertPage: (p: PageRow) =>
    map(
      run(
        qb.insertInto('pages').values({
          document_id: p.documentId,
          page_index: p.index,
          image_hash: p.imageHash,
          width: p.width,
          height: p.height,
          dpi: p.dpi,
        }),
      ),
      lastId,
    ),

  /** The index after the document's last page (0 for none). */
  nextPageIndex: (documentId: number) =>
    map(
      first(
        qb
          .selectFrom('pages')
          .select(sql<number>`coalesce(max(page_index) + 1, 0)`.as('n'))
          .where('document_id', '=', documentId),
      ),
      (r) => r!.n,
    ),

  pageExists: (pageId: number) => map(first(qb.selectFrom('pages').select('id').where('id', '=', pageId)), found),

  /** A page's size and document, or undefined. */
  pageSize: (pageId: number) => first(qb.selectFrom('pages').select(['id', 'width', 'height', 'document_id']).where('id', '=', pageId)),

  /** Whether any page shows the image with this hash. */
  imageInUse: (imageHash: string) => map(first(qb.selectFrom('pages').select('id').where('image_hash', '=', imageHash)), found),

  /** The source name of a line image already imported into the document with these pixels, if any. */
  lineImageInDocument: (documentId: number, imageHash: string) =>
    first(
      qb
        .selectFrom('pages as p')
        .innerJoin('lines as l', 'l.page_id', 'p.id')
        .select('l.source_name as name')
        .where('p.document_id', '=', documentId)
        .where('p.image_hash', '=', imageHash),
    ),

  /**
   * The page about to get its found lines, and the find-lines job whose lines it holds
   * (undefined: no such page). On the server its row stays locked until the transaction
   * ends: a second write of the same page (a part redone while the first attempt still
   * finishes) waits, then sees that the job has written it; SQLite has one writer anyway.
   */
  pageForSegmentation: (pageId: number) => {
    const q = qb.selectFrom('pages').select(['id', 'image_hash', 'document_id', 'segmented_by_job']).where('id', '=', pageId);
    return first(new PerDialect(q, q.forUpdate()));
  },

  /** Records the find-lines job whose lines the page now holds (null: lines found outside a job). */
  setSegmentedBy: (pageId: number, jobId: number | null) =>
    none(run(qb.updateTable('pages').set({ segmented_by_job: jobId }).where('id', '=', pageId))),

  /** The pages that hold the found lines of the job. */
  pagesSegmentedBy: (jobId: number) =>
    map(all(qb.selectFrom('pages').select('id').where('segmented_by_job', '=', jobId)), (rows) => new Set(rows.map((r) => r.id))),

  /** Which of these pages still exist, and the find-lines job whose lines each holds (null: none). */
  *segmentationOf(pageIds: readonly number[]): Program<Map<number, number | null>> {
    const rows = yield* inChunks(pageIds, (slice) =>
      all(qb.selectFrom('pages').select(['id', 'segmented_by_job']).where('id', 'in', slice)),
    );
    return new Map(rows.map((r) => [r.id, r.segmented_by_job]));
  },

  /** The kind of document ('scan' or 'lines') each of these pages is in; pages that do not exist are left out. */
  *documentKindsOf(pageIds: readonly number[]): Program<Map<number, 'scan' | 'lines'>> {
    const rows = yield* inChunks(pageIds, (slice) =>
      all(
        qb
          .selectFrom('pages as p')
          .innerJoin('documents as d', 'd.id', 'p.document_id')
          .select(['p.id', 'd.kind'])
          .where('p.id', 'in', slice),
      ),
    );
    return new Map(rows.map((r) => [r.id, r.kind]));
  },

  /** A page's image and document, or undefined. */
  pageImage: (pageId: number) => first(qb.selectFrom('pages').select(['id', 'image_hash', 'document_id']).where('id', '=', pageId)),

  /** The document's pages in order, with their line counts. */
  pageSummaries: (documentId: number) =>
    // A count is never null, whatever the subquery's type says.
    map(
      all(qb.selectFrom('pages as p').select(summaryOf()).where('p.document_id', '=', documentId).orderBy('p.page_index')),
      (rows) => rows as PageSummary[],
    ),

  /** One page's summary and its document's name, or undefined. */
  pageSummary: (pageId: number) =>
    map(
      first(
        qb
          .selectFrom('pages as p')
          .innerJoin('documents as d', 'd.id', 'p.document_id')
          .select(summaryOf())
          .select(['d.name as documentName', 'd.removed_at as removedAt', 'd.removed_by as removedBy'])
          .where('p.id', '=', pageId),
      ),
      (r) => r as (PageSummary & { documentName: string; removedAt: string | null; removedBy: string | null }) | undefined,
    ),

  /** The page before (or after) page `index` of the document, or null. */
  neighbourPage: (documentId: number, index: number, side: 'before' | 'after') =>
    map(
      first(
        qb
          .selectFrom('pages')
          .select('id')
          .where('document_id', '=', documentId)
          .where('page_index', side === 'before' ? '<' : '>', index)
          .orderBy('page_index', side === 'before' ? 'desc' : 'asc')
          .limit(1),
      ),
      (r) => r?.id ?? null,
    ),

  /** The page's lines in reading order with their current label and newest model reading. */
  pageLineViews: (pageId: number) =>
    all(
      qb
        .selectFrom('lines as l')
        .leftJoin('current_transcriptions as ct', 'ct.line_id', 'l.id')
        .leftJoin('predictions as pr', (join) =>
          join.on('pr.id', '=', (eb) =>
            eb
              .selectFrom('predictions as q')
              .select((q) => q.fn.max('q.id').as('id'))
              .whereRef('q.line_id', '=', 'l.id'),
          ),
        )
        .select([
          'l.id',
          'l.reading_order as order',
          'l.polygon',
          'l.baseline',
          'l.box_x',
          'l.box_y',
          'l.box_w',
          'l.box_h',
          'l.split',
          'l.region_id',
          'ct.text',
          'ct.author',
          'ct.created_at as savedAt',
          'pr.model_id as modelId',
          'pr.text as pText',
          'pr.confidence as pConf',
          'pr.char_confidence as pChars',
        ])
        .where('l.page_id', '=', pageId)
        .orderBy('l.reading_order')
        .orderBy('l.id'),
    ),

  /** Pages of scanned documents (not line images), unordered. */
  scanPageIds: () =>
    map(
      all(qb.selectFrom('pages as p').innerJoin('documents as d', 'd.id', 'p.document_id').select('p.id').where('d.kind', '=', 'scan')),
      (rows) => rows.map((r) => r.id),
    ),
};

export const {
  insertPage,
  nextPageIndex,
  pageExists,
  pageSize,
  imageInUse,
  lineImageInDocument,
  pageImage,
  pageSummaries,
  pageSummary,
  neighbourPage,
  pageLineViews,
  scanPageIds,
} = onDesktop(pages);
