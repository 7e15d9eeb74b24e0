// The API of a team server on the server store (`quire serve --database URL`): the methods
// whose queries are store-neutral operations (main/db/ops.ts) answer from PostgreSQL; the
// others answer that they are not available there yet (code not-available, HTTP 501), naming
// the method, rather than fail in some other way. What works: the project's counts, its
// documents and pages, a page with its lines and regions (and the model's readings of its
// lines), saving a transcription, the hand edits of lines and regions (each one transaction,
// its author the signed-in account), undo and redo of the account's own edits, a line's
// history, search, the model versions (listed, renamed, deleted, the current one, the bundled
// base model added, their weights in the shared folder's models/), the lines to read next by
// the model's confidence, the jobs' list and the project's settings. Finding lines, import,
// export, and starting training and transcription jobs still need a project folder
// (`quire serve DIR`).
import { basename } from 'node:path';
import { schemas, type DocumentSummary, type Method, type PageSummary, type ProjectInfo, type QuireEvent } from '../../shared/api.ts';
import { ApiError } from '../api/dispatch.ts';
import { editMethods } from '../api/edit-service.ts';
import { jobList } from '../api/job-service.ts';
import { modelMethods } from '../api/model-service.ts';
import { pageOps } from '../api/pages.ts';
import { documents } from '../db/documents.ts';
import { serverRunner } from '../db/pg/execute.ts';
import { displayUrl, type PgStore } from '../db/pg/store.ts';
import { pages } from '../db/pages.ts';
import { UndoHistories } from '../edits/undo-stack.ts';
import { lineChoices } from '../jobs/suggest.ts';
import { authorName } from '../project/author.ts';

/** The methods a team server on PostgreSQL serves (README.md, "Team server"). */
export const SERVER_STORE_METHODS = [
  'projectInfo',
  'listDocuments',
  'listPages',
  'getPage',
  'saveTranscription',
  'updateLineGeometry',
  'addLine',
  'deleteLine',
  'mergeLines',
  'splitLine',
  'moveLine',
  'setSplit',
  'addRegion',
  'updateRegion',
  'deleteRegion',
  'moveRegion',
  'sortRegionLines',
  'undo',
  'redo',
  'undoState',
  'lineHistory',
  'search',
  'listModels',
  'listModelVersions',
  'addBaseModel',
  'renameModel',
  'deleteModel',
  'setCurrentModel',
  'projectSettings',
  'rememberTrainingChoices',
  'suggestLines',
  'reviewLines',
  'listJobs',
] as const satisfies readonly Method[];

/** Where the server's events go: every window, or one account's (its undo history). */
export interface ServerEvents {
  broadcast(event: QuireEvent): void;
  sendTo(account: string, event: QuireEvent): void;
}

/** The events of a server that may not have started yet. */
export const serverEvents = (server: () => ServerEvents | undefined): ServerEvents => ({
  broadcast: (event) => server()?.broadcast(event),
  sendTo: (account, event) => server()?.sendTo(account, event),
});

/** Where a team server's service sends an event: an account's undo history to that account's windows, the rest to all. */
export const accountEvents =
  (events: ServerEvents) =>
  (e: QuireEvent): void =>
    e.type === 'history-changed' ? events.sendTo(authorName(), e) : events.broadcast(e);

/** The name a server project shows: its database's, from the URL. */
const projectName = (url: string) => basename(new URL(url).pathname) || 'quire';

/** `files`: the shared folder of the project's files (images/, models/). */
export function serverStoreApi(store: PgStore, url: string, files: string, events: ServerEvents) {
  const run = serverRunner(store);
  // Each account has its own undo history: its windows alone hear of it.
  const edits = editMethods({ run }, UndoHistories.perAccount(), accountEvents(events));
  const models = modelMethods({ run, root: files });
  const served = {
    async projectInfo(): Promise<ProjectInfo> {
      return { path: displayUrl(url), name: projectName(url), ...(await run(documents.projectCounts())) };
    },
    listDocuments: (): Promise<DocumentSummary[]> => run(documents.documentSummaries()),
    listPages: ({ documentId }: { documentId: number }): Promise<PageSummary[]> => run(pages.pageSummaries(documentId)),
    getPage: ({ pageId }: { pageId: number }) => run(pageOps.pageView(pageId)),
    saveTranscription: edits.saveTranscription,
    updateLineGeometry: edits.updateLineGeometry,
    addLine: edits.addLine,
    deleteLine: edits.deleteLine,
    mergeLines: edits.mergeLines,
    splitLine: edits.splitLine,
    moveLine: edits.moveLine,
    setSplit: edits.setSplit,
    addRegion: edits.addRegion,
    updateRegion: edits.updateRegion,
    deleteRegion: edits.deleteRegion,
    moveRegion: edits.moveRegion,
    sortRegionLines: edits.sortRegionLines,
    undo: edits.undo,
    redo: edits.redo,
    undoState: edits.undoState,
    lineHistory: ({ lineId }: { lineId: number }) => run(pageOps.historyOf(lineId)),
    search: ({ query, limit }: { query: string; limit?: number }) => run(pageOps.searchHits(query, limit)),
    listModels: models.listModels,
    listModelVersions: models.listModelVersions,
    addBaseModel: models.addBaseModel,
    renameModel: models.renameModel,
    deleteModel: models.deleteModel,
    setCurrentModel: models.setCurrentModel,
    projectSettings: models.projectSettings,
    rememberTrainingChoices: models.rememberTrainingChoices,
    suggestLines: ({ modelId, limit }: { modelId?: number | null; limit: number }) => run(lineChoices.suggestLines(modelId ?? null, limit)),
    reviewLines: ({ limit }: { limit: number }) => run(lineChoices.reviewLines(limit)),
    // The jobs' rows (those moved with the project, or run by a worker); none is started here yet.
    listJobs: () => jobList(run),
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
