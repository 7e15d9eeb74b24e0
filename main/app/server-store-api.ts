// The API of a team server on the server store (`quire serve --database URL`): the methods
// whose queries are store-neutral operations (main/db/ops.ts) answer from PostgreSQL; the
// others answer that they are not available there yet (code not-available, HTTP 501), naming
// the method, rather than fail in some other way. What works: the project's counts, its documents and pages, a page with
// its lines and regions, saving a transcription (its author the signed-in account), a line's
// history and search. Editing shapes, undo, import, export, models and jobs still need a
// project folder (`quire serve DIR`).
import { basename } from 'node:path';
import { schemas, type DocumentSummary, type Method, type PageSummary, type ProjectInfo, type QuireEvent } from '../../shared/api.ts';
import { ApiError } from '../api/dispatch.ts';
import { pageOps } from '../api/pages.ts';
import { documents } from '../db/documents.ts';
import type { Op } from '../db/ops.ts';
import { performPg } from '../db/pg/execute.ts';
import { displayUrl, type PgStore } from '../db/pg/store.ts';
import { pages } from '../db/pages.ts';

/** The methods a team server on PostgreSQL serves (README.md, "Team server"). */
export const SERVER_STORE_METHODS = [
  'projectInfo',
  'listDocuments',
  'listPages',
  'getPage',
  'saveTranscription',
  'lineHistory',
  'search',
] as const satisfies readonly Method[];

/** The name a server project shows: its database's, from the URL. */
const projectName = (url: string) => basename(new URL(url).pathname) || 'quire';

export function serverStoreApi(store: PgStore, url: string, emit: (e: QuireEvent) => void) {
  const run = <T>(op: Op<T>) => performPg(store, op);
  const served = {
    async projectInfo(): Promise<ProjectInfo> {
      return { path: displayUrl(url), name: projectName(url), ...(await run(documents.projectCounts())) };
    },
    listDocuments: (): Promise<DocumentSummary[]> => run(documents.documentSummaries()),
    listPages: ({ documentId }: { documentId: number }): Promise<PageSummary[]> => run(pages.pageSummaries(documentId)),
    getPage: ({ pageId }: { pageId: number }) => run(pageOps.pageView(pageId)),
    async saveTranscription({ lineId, text, author }: { lineId: number; text: string; author?: string }) {
      const row = await run(pageOps.savedTranscription(lineId, text, author));
      emit({ type: 'line-saved', lineId, text: row.text });
      return row;
    },
    lineHistory: ({ lineId }: { lineId: number }) => run(pageOps.historyOf(lineId)),
    search: ({ query, limit }: { query: string; limit?: number }) => run(pageOps.searchHits(query, limit)),
  } satisfies Record<(typeof SERVER_STORE_METHODS)[number], (request: never) => Promise<unknown>>;
  const table: Record<string, (request: never) => Promise<unknown>> = { ...served };
  for (const method of Object.keys(schemas) as Method[])
    table[method] ??= async () => {
      throw new ApiError({
        code: 'not-available',
        name: 'NotOnServerStore',
        message: `${method} is not available on a PostgreSQL server store yet: it serves ${SERVER_STORE_METHODS.join(', ')}; for the rest, serve a project folder (quire serve DIR)`,
      });
    };
  return table;
}
