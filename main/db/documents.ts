// Documents: an imported scan (its pages) or folder of line images. While an import runs the
// document's source_hash carries the `importing:<pid>:` prefix (document-writer.ts).
import { sql } from 'kysely';
import type { DocumentSummary, ProjectInfo } from '../../shared/api.ts';
import { processAlive } from '../fs/atomic.ts';
import { all, first, qb, run, transaction, type Db } from './execute.ts';
import { finishedDocument, inDataset, labeled, notExcluded, PENDING_IMPORT } from './line-sets.ts';

export interface DocumentRow {
  name: string;
  kind: 'scan' | 'lines';
  sourcePath: string;
  sourceHash: string;
}

export const insertDocument = (db: Db, d: DocumentRow): number =>
  run(db, qb.insertInto('documents').values({ name: d.name, kind: d.kind, source_path: d.sourcePath, source_hash: d.sourceHash })).lastId;

export const setSourceHash = (db: Db, documentId: number, sourceHash: string): void => {
  run(db, qb.updateTable('documents').set({ source_hash: sourceHash }).where('id', '=', documentId));
};

export const deleteDocument = (db: Db, documentId: number): void => {
  run(db, qb.deleteFrom('documents').where('id', '=', documentId));
};

/** The document imported from a source with this hash (finished or not). */
export const documentBySourceHash = (db: Db, sourceHash: string) =>
  first(db, qb.selectFrom('documents').select(['id', 'name', 'source_path as path']).where('source_hash', '=', sourceHash));

/** Documents whose import has not finished: their id and the importing process's pid. */
const unfinishedImports = (db: Db): Array<{ id: number; pid: number }> =>
  all(
    db,
    qb
      .selectFrom('documents')
      .select(['id', 'source_hash as hash'])
      .where((eb) => eb.not(finishedDocument())),
  ).map((r) => ({ id: r.id, pid: Number(r.hash.slice(PENDING_IMPORT.length).split(':')[0]) }));

/** The project's counts: finished documents, their scanned pages, lines to transcribe and those labeled. */
export function projectCounts(db: Db): Omit<ProjectInfo, 'path' | 'name'> {
  const count = qb.fn.countAll<number>();
  return first(
    db,
    qb.selectNoFrom([
      qb.selectFrom('documents').select(count.as('n')).where(finishedDocument()).as('documents'),
      // Pages of scanned documents: an imported line image counts as a line, not as a page.
      qb
        .selectFrom('pages as p')
        .select(count.as('n'))
        .where('p.document_id', 'in', qb.selectFrom('documents').select('id').where('kind', '=', 'scan').where(finishedDocument()))
        .as('pages'),
      qb.selectFrom('lines as l').select(count.as('n')).where(inDataset()).as('lines'),
      qb.selectFrom('lines as l').select(count.as('n')).where(labeled()).where(inDataset()).as('labeled'),
    ]),
  ) as Omit<ProjectInfo, 'path' | 'name'>;
}

/** Finished documents with their counts and cover image, in import order. */
export function documentSummaries(db: Db): DocumentSummary[] {
  const count = qb.fn.countAll<number>();
  const linesOf = () =>
    qb
      .selectFrom('lines as l')
      .innerJoin('pages as p', 'p.id', 'l.page_id')
      .select(count.as('n'))
      .where('p.document_id', '=', sql.ref<number>('d.id'))
      .where(notExcluded());
  return all(
    db,
    qb
      .selectFrom('documents as d')
      .select((eb) => [
        'd.id',
        'd.name',
        'd.kind',
        'd.source_path as sourceFile',
        'd.created_at as createdAt',
        eb.selectFrom('pages as p').select(count.as('n')).whereRef('p.document_id', '=', 'd.id').as('pages'),
        linesOf().as('lines'),
        linesOf().where(labeled()).as('labeled'),
        eb
          .selectFrom('pages as p')
          .select('p.image_hash')
          .whereRef('p.document_id', '=', 'd.id')
          .orderBy('p.page_index')
          .limit(1)
          .as('coverImage'),
      ])
      .where(finishedDocument(sql.ref('d.source_hash')))
      .orderBy('d.id'),
  ) as DocumentSummary[];
}

/**
 * Deletes documents left half-imported (document-writer.ts) by a process that no longer
 * runs: a crash mid-import. Run as a project opens.
 */
export function removeAbandonedImports(db: Db): number {
  const dead = unfinishedImports(db).filter((r) => !processAlive(r.pid));
  transaction(db, () => dead.forEach((r) => deleteDocument(db, r.id)));
  return dead.length;
}
