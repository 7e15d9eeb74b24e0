// Documents: an imported scan (its pages) or folder of line images. While an import runs the
// document's source_hash carries the `importing:<pid>:` prefix (document-writer.ts).
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below.
import { sql } from 'kysely';
import type { DocumentSummary, ProjectInfo, RemovedDocument } from '../../shared/api.ts';
import { writerAlive } from '../fs/process-instance.ts';
import { now, onDesktop, qb } from './execute.ts';
import { inChunks } from './id-chunks.ts';
import { all, changed, first, lastId, map, none, type Program, run, step, transaction } from './ops.ts';
import { activeDocument, importingDocument, inDataset, labeled, notExcluded, PENDING_IMPORT } from './line-sets.ts';

export interface DocumentRow {
  name: string;
  kind: 'scan' | 'lines';
  sourcePath: string;
  sourceHash: string;
}

const count = () => qb.fn.countAll<number>();

const removedNames = (docs: Array<{ id: number; name: string }>) =>
  `${docs.length === 1 ? 'document' : 'documents'} ${docs.map((d) => `${d.id} ("${d.name}")`).join(', ')} ${docs.length === 1 ? 'was' : 'were'} removed`;

/**
 * A document an import found already in the project, as its report names it. A removed one
 * says so: importing the file again would hide from the archivist that its pages, with
 * their transcriptions, are waiting to be restored.
 */
export const existingDocumentLabel = (row: { name: string; path: string; removedAt: string | null }) =>
  `document "${row.name}" (from ${row.path})${row.removedAt ? ', which was removed: restore it (Removed documents, below the documents; quire document restore)' : ''}`;

export const documents = {
  insertDocument: (d: DocumentRow) =>
    map(
      run(qb.insertInto('documents').values({ name: d.name, kind: d.kind, source_path: d.sourcePath, source_hash: d.sourceHash })),
      lastId,
    ),

  setSourceHash: (documentId: number, sourceHash: string) =>
    none(run(qb.updateTable('documents').set({ source_hash: sourceHash }).where('id', '=', documentId))),

  deleteDocument: (documentId: number) => none(run(qb.deleteFrom('documents').where('id', '=', documentId))),

  /** The document imported from a source with this hash (finished or not, removed or not). */
  documentBySourceHash: (sourceHash: string) =>
    first(
      qb
        .selectFrom('documents')
        .select(['id', 'name', 'source_path as path', 'removed_at as removedAt'])
        .where('source_hash', '=', sourceHash),
    ),

  /** Documents whose import has not finished: their id and the importing process's pid. */
  unfinishedImports: () =>
    map(all(qb.selectFrom('documents').select(['id', 'source_hash as hash', 'created_at']).where(importingDocument())), (rows) =>
      rows.map((r) => ({
        id: r.id,
        pid: Number(r.hash.slice(PENDING_IMPORT.length).split(':')[0]),
        /** When the import began (ISO time), so that a pid reused since is not taken for the importer. */
        createdAt: r.created_at,
      })),
    ),

  /** The project's counts: documents in the project, their scanned pages, lines to transcribe and those labeled. */
  projectCounts: () =>
    map(
      first(
        qb.selectNoFrom([
          qb.selectFrom('documents').select(count().as('n')).where(activeDocument()).as('documents'),
          // Pages of scanned documents: an imported line image counts as a line, not as a page.
          qb
            .selectFrom('pages as p')
            .select(count().as('n'))
            .where('p.document_id', 'in', qb.selectFrom('documents').select('id').where('kind', '=', 'scan').where(activeDocument()))
            .as('pages'),
          qb.selectFrom('lines as l').select(count().as('n')).where(inDataset()).as('lines'),
          qb.selectFrom('lines as l').select(count().as('n')).where(labeled()).where(inDataset()).as('labeled'),
        ]),
      ),
      (r) => r as Omit<ProjectInfo, 'path' | 'name'>,
    ),

  /**
   * Documents in the project with their counts and cover image, in import order; with
   * `removed`, those set aside instead, with when and by whom.
   */
  documentSummaries: (removed = false) => {
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
            'd.removed_at as removedAt',
            'd.removed_by as removedBy',
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
          .where(removed ? (eb) => eb.and([eb.not(importingDocument('d')), eb('d.removed_at', 'is not', null)]) : activeDocument('d'))
          .orderBy('d.id'),
      ),
      (rows) =>
        rows.map(({ removedAt, removedBy, ...d }) => (removed ? { ...d, removedAt, removedBy } : d)) as Array<
          DocumentSummary & Partial<RemovedDocument>
        >,
    );
  },

  /** A document's row as a person manages it (rename, remove, restore); undefined where there is none or its import runs. */
  managedDocument: (documentId: number) =>
    first(
      qb
        .selectFrom('documents as d')
        .select(['d.id', 'd.name', 'd.removed_at as removedAt'])
        .where('d.id', '=', documentId)
        .where((eb) => eb.not(importingDocument('d'))),
    ),

  renameDocument: (documentId: number, name: string) => none(run(qb.updateTable('documents').set({ name }).where('id', '=', documentId))),

  /**
   * Sets the document aside (removed_at, removed_by) or, with `by` null, brings it back; only
   * from the other state, so of two people removing it at once one changes it: answers whether
   * this call did.
   */
  setRemoved: (documentId: number, by: string | null) =>
    map(
      run(
        qb
          .updateTable('documents')
          .set({ removed_at: by === null ? null : now, removed_by: by })
          .where('id', '=', documentId)
          .where('removed_at', by === null ? 'is not' : 'is', null),
      ),
      changed,
    ),

  /**
   * Refuses a request that names pages of removed documents (a transcription of some pages):
   * the job would read nothing there and end as if it had.
   */
  *refuseRemovedPages(pageIds: readonly number[]): Program<void> {
    const docs = yield* inChunks(pageIds, (slice) =>
      all(
        qb
          .selectFrom('pages as p')
          .innerJoin('documents as d', 'd.id', 'p.document_id')
          .select(['d.id', 'd.name'])
          .distinct()
          .where('p.id', 'in', slice)
          .where('d.removed_at', 'is not', null),
      ),
    );
    if (docs.length) throw new Error(`${removedNames(docs)}: restore it first`);
  },

  /** Refuses documents named by id (an export of some documents) that are removed or not in the project. */
  *refuseUnlisted(documentIds: readonly number[]): Program<void> {
    // Only the named rows: the summaries' counts and cover images are not needed to tell.
    const named = yield* inChunks(documentIds, (slice) =>
      all(
        qb
          .selectFrom('documents as d')
          .select(['d.id', 'd.name', 'd.removed_at as removedAt'])
          .where('d.id', 'in', slice)
          .where((eb) => eb.not(importingDocument('d')))
          .orderBy('d.id'),
      ),
    );
    const removed = named.filter((d) => d.removedAt !== null);
    if (removed.length) throw new Error(`${removedNames(removed)}: restore it first`);
    const found = new Set(named.map((d) => d.id));
    const unknown = documentIds.find((id) => !found.has(id));
    if (unknown !== undefined) throw new Error(`no document ${unknown} in this project`);
  },

  /** Renames a document (its name in lists, exports and search hits). */
  *rename(documentId: number, name: string): Program<void> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('a document needs a name');
    yield* step(documents.managed(documentId));
    yield* step(documents.renameDocument(documentId, trimmed));
  },

  /** Sets a document aside: nothing of it is deleted, and `restore` brings it back as it was. */
  *remove(documentId: number, by: string): Program<void> {
    const doc = yield* step(documents.managed(documentId));
    if (!(yield* step(documents.setRemoved(documentId, by)))) throw new Error(`document ${documentId} ("${doc.name}") is already removed`);
  },

  *restore(documentId: number): Program<void> {
    const doc = yield* step(documents.managed(documentId));
    if (!(yield* step(documents.setRemoved(documentId, null)))) throw new Error(`document ${documentId} ("${doc.name}") is not removed`);
  },

  /** The document a person names, refused where there is none (or its import still runs). */
  *managed(documentId: number): Program<{ id: number; name: string; removedAt: string | null }> {
    const doc = yield* step(documents.managedDocument(documentId));
    if (!doc) throw new Error(`no document ${documentId} in this project (or its import is still running)`);
    return doc;
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
