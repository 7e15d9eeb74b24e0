// Pages of a document: a scan's page image, or one imported line image.
import { sql } from 'kysely';
import { first, qb, run, type Db } from './execute.ts';

export interface PageRow {
  documentId: number;
  index: number;
  imageHash: string;
  width: number;
  height: number;
  dpi: number | null;
}

export const insertPage = (db: Db, p: PageRow): number =>
  run(
    db,
    qb.insertInto('pages').values({
      document_id: p.documentId,
      page_index: p.index,
      image_hash: p.imageHash,
      width: p.width,
      height: p.height,
      dpi: p.dpi,
    }),
  ).lastId;

/** The index after the document's last page (0 for none). */
export const nextPageIndex = (db: Db, documentId: number): number =>
  first(
    db,
    qb
      .selectFrom('pages')
      .select(sql<number>`coalesce(max(page_index) + 1, 0)`.as('n'))
      .where('document_id', '=', documentId),
  )!.n;

export const pageExists = (db: Db, pageId: number): boolean =>
  first(db, qb.selectFrom('pages').select('id').where('id', '=', pageId)) !== undefined;

/** A page's size and document, or undefined. */
export const pageSize = (db: Db, pageId: number) =>
  first(db, qb.selectFrom('pages').select(['id', 'width', 'height', 'document_id']).where('id', '=', pageId));

/** Whether any page shows the image with this hash. */
export const imageInUse = (db: Db, imageHash: string): boolean =>
  first(db, qb.selectFrom('pages').select('id').where('image_hash', '=', imageHash)) !== undefined;

/** The source name of a line image already imported into the document with these pixels, if any. */
export const lineImageInDocument = (db: Db, documentId: number, imageHash: string) =>
  first(
    db,
    qb
      .selectFrom('pages as p')
      .innerJoin('lines as l', 'l.page_id', 'p.id')
      .select('l.source_name as name')
      .where('p.document_id', '=', documentId)
      .where('p.image_hash', '=', imageHash),
  );

/** A page's image and document, or undefined. */
export const pageImage = (db: Db, pageId: number) =>
  first(db, qb.selectFrom('pages').select(['id', 'image_hash', 'document_id']).where('id', '=', pageId));
