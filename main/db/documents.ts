// Documents: an imported scan (its pages) or folder of line images. While an import runs the
// document's source_hash carries the `importing:<pid>:` prefix (document-writer.ts).
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below.
import { sql } from 'kysely';
import type { DocumentSummary, ProjectInfo } from '../../shared/api.ts';
import { writerAlive } from '../fs/process-instance.ts';
import { onDesktop, qb } from './execute.ts';
import { all, first, lastId, map, none, type Program, run, step, transaction } from './ops.ts';
import { finishedDocument, inDataset, labeled, notExcluded, PENDING_IMPORT } from './line-sets.ts';

export interface DocumentRow {
  name: string;
  kind: 'scan' | 'lines';
  sourcePath: string;
  sourceHash: string;
}

const count = () => qb.fn.countAll<number>();

export const documents = {
  insertDocument: (d: DocumentRow) =>
    map(
      run(qb.insertInto('documents').values({ name: d.name, kind: d.kind, source_path: d.sourcePath, source_hash: d.sourceHash })),
      lastId,
    ),

  setSourceHash: (documentId: number, sourceHash: string) =>
    none(run(qb.updateTable('documents').set({ source_hash: sourceHash }).where('id', '=', documentId))),

  deleteDocument: (documentId: number) => none(run(qb.deleteFrom('documents').where('id', '=', documentId))),

  /** The document imported from a source with this hash (finished or not). */
  documentBySourceHash: (sourceHash: string) =>
    first(qb.selectFrom('documents').select(['id', 'name', 'source_path as path']).where('source_hash', '=', sourceHash)),

  /** Documents whose import has not finished: their id and the importing process's pid. */
  unfinishedImports: () =>
    map(
      all(
        qb
          .selectFrom('documents')
          .select(['id', 'source_hash as hash', 'created_at'])
          .where((eb) => eb.not(finishedDocument())),
      ),
      (rows) =>
        rows.map((r) => ({
          id: r.id,
          pid: Number(r.hash.slice(PENDING_IMPORT.length).split(':')[0]),
          /** When the import began (ISO time), so that a pid reused since is not taken for the importer. */
          createdAt: r.created_at,
        })),
    ),

  /** The project's counts: finished documents, their scanned pages, lines to transcribe and those labeled. */
  projectCounts: () =>
    map(
      first(
        qb.selectNoFrom([
          qb.selectFrom('documents').select(count().as('n')).where(finishedDocument()).as('documents'),
          // Pages of scanned documents: an imported line image counts as a line, not as a page.
          qb
            .selectFrom('pages as p')
            .select(count().as('n'))
            .where('p.document_id', 'in', qb.selectFrom('documents').select('id').where('kind', '=', 'scan').where(finishedDocument()))
            .as('pages'),
          qb.selectFrom('lines as l').select(count().as('n')).where(inDataset()).as('lines'),
          qb.selectFrom('lines as l').select(count().as('n')).where(labeled()).where(inDataset()).as('labeled'),
        ]),
      ),
      (r) => r as Omit<ProjectInfo, 'path' | 'name'>,
    ),

  /** Finished documents with their counts and cover image, in import order. */
  documentSummaries: () => {
    const linesOf = () =>
      qb
        .selectFrom('lines as l')
        .innerJoin('pages as p', 'p.id', 'l.page_id')
        .select(count().as('n'))
        .where('p.document_id', '=', sql.ref<number>('d.id'))
        .where(notExcluded());
    return map(
      all(
        qb
          .selectFrom('documents as d')
          .select((eb) => [
            'd.id',
            'd.name',
            'd.kind',
            'd.source_path as sourceFile',
            'd.created_at as createdAt',
            eb.selectFrom('pages as p').select(count().as('n')).whereRef('p.document_id', '=', 'd.id').as('pages'),
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
      ),
      (rows) => rows as DocumentSummary[],
    );
  },

  /**
   * Deletes documents left half-imported (document-writer.ts) by a process that no longer
   * runs: a crash mid-import. Run as a project opens. Answers how many.
   */
  *removeAbandonedImports(): Program<number> {
    // A process with the pid that started after the import began is another one (the pid reused).
    const dead = (yield* step(documents.unfinishedImports())).filter((r) => !writerAlive(r.pid, Date.parse(r.createdAt)));
    // Nothing to remove (the usual case at opening): no write lock taken.
    if (dead.length === 0) return 0;
    yield* step(
      transaction(function* () {
        for (const r of dead) yield* step(documents.deleteDocument(r.id));
      }),
    );
    return dead.length;
  },
};

export const {
  insertDocument,
  setSourceHash,
  deleteDocument,
  documentBySourceHash,
  projectCounts,
  documentSummaries,
  removeAbandonedImports,
} = onDesktop(documents);
