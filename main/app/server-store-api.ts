// The API of a team server on the server store (`quire serve --database URL`): the methods
// whose queries are store-neutral operations (main/db/ops.ts) answer from PostgreSQL; the
// others answer that they are not available there yet (code not-available, HTTP 501), naming
// the method, rather than fail in some other way. What works: the project's counts, its
// documents and pages, a page with its lines and regions (and the model's readings of its
// lines), saving a transcription, the hand edits of lines and regions (each one transaction,
// its author the signed-in account), undo and redo of the account's own edits, a line's
// history, search, the model versions (listed, renamed, deleted, the current one, the bundled
// base model added, their weights in the shared folder's models/), the lines to read next by
// the model's confidence, the jobs' list, the model's readings (listReadings), the project's settings and its fine-tuned
// segmenters; with a Redis queue (`--redis URL`), transcription, evaluation, finding lines,
// training (fine-tuning, semi-supervised, SeqCLR pretraining: one task, checkpointed into the
// shared folder, a model version at its end) and segmenter fine-tuning (one task, no
// checkpoint, the model written to the shared folder's segmenters/, then listed and offered
// by "Find lines") as jobs started, cancelled and resumed, done by `quire worker` processes
// (main/queue/server-jobs.ts); finding lines in one region here, in the server process (one
// page's work). Exports and uploads (imported as on the desktop, into the store and its
// shared folder) are served beside the API (team-server.ts, POST /export and /upload). Line
// folders' import still needs a project folder (`quire serve DIR`).
import { basename, resolve } from 'node:path';
import {
  schemas,
  type Split,
  type DocumentSummary,
  type Method,
  type PageSummary,
  type ProjectInfo,
  type QuireEvent,
} from '../../shared/api.ts';
import { ApiError } from '../api/dispatch.ts';
import { editMethods } from '../api/edit-service.ts';
import { jobList } from '../api/job-service.ts';
import { documentMethods } from '../api/document-service.ts';
import { modelMethods } from '../api/model-service.ts';
import { readingMethods } from '../api/reading-service.ts';
import { pageOps } from '../api/pages.ts';
import { dataset } from '../db/dataset.ts';
import { documents } from '../db/documents.ts';
import { serverRunner } from '../db/pg/execute.ts';
import { displayUrl, type PgStore } from '../db/pg/store.ts';
import { pages } from '../db/pages.ts';
import { UndoHistories } from '../edits/undo-stack.ts';
import { lineChoices } from '../jobs/suggest.ts';
import { projectSegmentersAt } from '../layout/project-segmenters.ts';
import { filesStore } from '../project/project-store.ts';
import { importFilesInto } from '../import/import-images.ts';
import { authorName } from '../project/author.ts';
import type { QueueSettings } from '../queue/distributed-run.ts';
import { storeUrl } from '../queue/allowed-stores.ts';
import { serverJobs } from '../queue/server-jobs.ts';

/** The methods a team server on PostgreSQL serves (README.md, "Team server"). */
export const SERVER_STORE_METHODS = [
  'projectInfo',
  'listDocuments',
  'listPages',
  'renameDocument',
  'removeDocument',
  'restoreDocument',
  'listRemovedDocuments',
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
  'segmentRegion',
  'importFiles',
  'listReadings',
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
  'listSegmenters',
] as const satisfies readonly Method[];

/** What a team server on PostgreSQL serves when it has a queue (--redis). */
export const QUEUE_METHODS = [
  'startTranscription',
  'startEvaluation',
  'segmentPages',
  'startTraining',
  'startSegmenterTraining',
  'cancelJob',
  'resumeJob',
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
export const projectName = (url: string) => basename(new URL(url).pathname) || 'quire';

export interface ServerStoreApiOptions {
  store: PgStore;
  /** The store's URL (with whatever credentials the server connects with). */
  url: string;
  /** The shared folder of the project's files (images/, models/). */
  files: string;
  events: ServerEvents;
  /** The Redis queue its transcription jobs go to (--redis); without one they answer 501. */
  queue?: QueueSettings;
}

/** The API's methods on the server store, and what to stop when the server closes (its queue's runs). */
export function serverStoreApi({ store, url, files, events, queue }: ServerStoreApiOptions) {
  const run = serverRunner(store);
  // Each account has its own undo history: its windows alone hear of it.
  const histories = UndoHistories.perAccount();
  const edits = editMethods({ run, files }, histories, accountEvents(events));
  const models = modelMethods({ run, root: files });
  // The workers are told the store by its URL without a password, and its files' folder by its full path.
  const jobs =
    queue &&
    serverJobs({
      store: { run, ref: { kind: 'postgres', url: storeUrl(url), files: resolve(files) } },
      files,
      emit: accountEvents(events),
      settings: queue,
      histories,
    });
  const served = {
    async projectInfo(): Promise<ProjectInfo> {
      return { path: displayUrl(url), name: projectName(url), ...(await run(documents.projectCounts())) };
    },
    listDocuments: (): Promise<DocumentSummary[]> => run(documents.documentSummaries()),
    listPages: ({ documentId }: { documentId: number }): Promise<PageSummary[]> => run(pages.pageSummaries(documentId)),
    ...documentMethods(run, (event) => events.broadcast(event)),
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
    segmentRegion: edits.segmentRegion,
    ...readingMethods(run),
    // Reached through the upload route only (an admin's; the method itself is the desktop
    // owner's, refused to every account): the files are the ones just uploaded.
    async importFiles({ paths, split }: { paths: string[]; split?: Split }) {
      const report = await importFilesInto(filesStore(run, files), paths, {
        split,
        onProgress: (p) => events.broadcast({ type: 'import-progress', ...p }),
      });
      events.broadcast({ type: 'project-changed' });
      return report;
    },
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
    // The jobs' rows: those moved with the project, and transcriptions started here (with --redis).
    listJobs: () => jobList(run),
    // Finding lines with them, and fine-tuning more, needs the queue (--redis); the list does not.
    listSegmenters: async () => ({
      correctedPages: (await run(dataset.correctedPageIds())).length,
      segmenters: await projectSegmentersAt(filesStore(run, files)),
    }),
  } satisfies Record<(typeof SERVER_STORE_METHODS)[number], (request: never) => Promise<unknown>>;
  const table: Record<string, (request: never) => Promise<unknown>> = { ...served, ...jobs?.methods };
  for (const method of Object.keys(schemas) as Method[])
    table[method] ??= async () => {
      throw new ApiError({
        code: 'not-available',
        name: 'NotOnServerStore',
        message: (QUEUE_METHODS as readonly string[]).includes(method)
          ? `${method} needs the job queue: start the server with --redis URL (quire serve --database URL --files DIR --redis redis://HOST:6379) and run quire worker --redis redis://HOST:6379 --database URL --files DIR`
          : `${method} is not available on a PostgreSQL server store yet: it serves ${SERVER_STORE_METHODS.join(', ')}${jobs ? `, ${QUEUE_METHODS.join(', ')}` : ''}; for the rest, serve a project folder (quire serve DIR)`,
      });
    };
  return { table, stop: async () => jobs?.stop() };
}
