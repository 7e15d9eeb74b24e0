// The service methods that manage documents: rename one, remove one (a mistaken import) and
// restore it. Removing sets a document aside rather than deleting it: its pages, lines and
// every transcription stay in the store, out of lists, counts, search, exports and training
// (main/db/line-sets.ts activeDocument), so that no archivist's label is lost by a click.
// Store-neutral programs run by `run`: on a project folder's database or a team server's
// PostgreSQL store alike.
import type { DocumentSummary, EventSink, ProjectApi, RemovedDocument } from '../../shared/api.ts';
import { documents } from '../db/documents.ts';
import type { Runner } from '../db/ops.ts';
import { authorName } from '../project/author.ts';

type DocumentMethods = Pick<ProjectApi, 'renameDocument' | 'removeDocument' | 'restoreDocument' | 'listRemovedDocuments'>;

export function documentMethods(run: Runner, emit: EventSink): DocumentMethods {
  const changed = () => emit({ type: 'project-changed' });
  return {
    async renameDocument({ documentId, name }) {
      await run(documents.rename(documentId, name));
      changed();
      return { ok: true as const };
    },

    async removeDocument({ documentId }) {
      await run(documents.remove(documentId, authorName()));
      changed();
      return { ok: true as const };
    },

    async restoreDocument({ documentId }) {
      await run(documents.restore(documentId));
      changed();
      return { ok: true as const };
    },

    async listRemovedDocuments() {
      return (await run(documents.documentSummaries(true))) as Array<DocumentSummary & RemovedDocument>;
    },
  };
}
