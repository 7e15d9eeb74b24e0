// The service table behind every transport: plain async functions over one open project.
// Transports validate requests with shared/api.ts before calling in.
import type { DocumentSummary, PageSummary, ProjectApi, ProjectInfo, QuireEvent } from '../../shared/api.ts';
import { importFiles, importLineFolder, type ImportProgress } from '../import/import-images.ts';
import type { Project } from '../project/project.ts';
import { exportProject } from '../export/export-project.ts';
import { documentSummaries, projectCounts } from '../db/documents.ts';
import { pageSummaries } from '../db/pages.ts';
import { getPage, lineHistory, search } from './pages.ts';
import { listJobs } from '../jobs/jobs.ts';
import { withLiveStates } from '../jobs/live-jobs.ts';
import { UndoStack } from '../edits/undo-stack.ts';
import { editMethods } from './edit-service.ts';
import { modelMethods } from './model-service.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { checkTrainingRequest } from '../jobs/training-runs.ts';
import { reviewLines, suggestLines } from '../jobs/suggest.ts';
import { correctedPageIds } from '../jobs/segmenter-training.ts';
import { listProjectSegmenters } from '../layout/project-segmenters.ts';

export type EventSink = (event: QuireEvent) => void;

/**
 * `runner` runs background jobs (the app has one; the CLI trains in its own process);
 * `history` is the project's undo history (the app keeps one per project while it runs).
 */
export function createService(project: Project, emit: EventSink = () => {}, runner?: JobRunner, history = new UndoStack()): ProjectApi {
  const db = project.db;
  const jobs = () => {
    if (!runner) throw new Error('background jobs run in the app; from a terminal use `quire train` or `quire pretrain`');
    return runner;
  };
  const progress = (p: ImportProgress) => emit({ type: 'import-progress', ...p });
  return {
    ...editMethods(project, history, emit),
    ...modelMethods(project),

    async projectInfo(): Promise<ProjectInfo> {
      return { path: project.root, name: project.name, ...projectCounts(db) };
    },

    async listDocuments(): Promise<DocumentSummary[]> {
      return documentSummaries(db);
    },

    async listPages({ documentId }): Promise<PageSummary[]> {
      return pageSummaries(db, documentId);
    },

    async importFiles({ paths, split }) {
      const report = await importFiles(project, paths, { onProgress: progress, split });
      emit({ type: 'project-changed' });
      return report;
    },

    async getPage({ pageId }) {
      return getPage(project, pageId);
    },

    async lineHistory({ lineId }) {
      return lineHistory(project, lineId);
    },

    async search({ query, limit }) {
      return search(project, query, limit);
    },

    async listJobs() {
      return withLiveStates(listJobs(project), runner?.live() ?? { running: undefined, waiting: [] }).map(
        ({ id, kind, state, progress, error, log, modelId, createdAt, waiting }) => ({
          id,
          kind,
          state,
          progress,
          error,
          log,
          modelId,
          createdAt,
          waiting,
        }),
      );
    },

    async startTraining(request) {
      // The server's defaults (threads), the same check as a job's config on resume.
      return { jobId: jobs().start(checkTrainingRequest(request)) };
    },

    async startTranscription({ modelId, pageIds }) {
      return { jobId: jobs().start({ kind: 'transcribe', modelId, pageIds }) };
    },

    async startEvaluation({ modelId, split }) {
      return { jobId: jobs().start({ kind: 'evaluate', modelId, split }) };
    },

    async startSegmenterTraining({ steps }) {
      // Refused before it queues: a job that can only fail would wait behind others first.
      if (correctedPageIds(project).length === 0)
        throw new Error('no corrected pages: a segmenter trains on pages whose every line is transcribed (outside excluded regions)');
      return { jobId: jobs().start({ kind: 'segment', steps }) };
    },

    async listSegmenters() {
      return { correctedPages: correctedPageIds(project).length, segmenters: listProjectSegmenters(project) };
    },

    async suggestLines({ modelId, limit }) {
      return suggestLines(project, modelId ?? null, limit);
    },

    async reviewLines({ limit }) {
      return reviewLines(project, limit);
    },

    async cancelJob({ jobId }) {
      jobs().cancel(jobId);
      return { ok: true as const };
    },

    async resumeJob({ jobId }) {
      jobs().resume(jobId);
      return { ok: true as const };
    },

    async exportDocuments(request) {
      return exportProject(project, request);
    },

    async importLineFolder({ folder, split }) {
      const report = await importLineFolder(project, folder, split, { onProgress: progress });
      emit({ type: 'project-changed' });
      return report;
    },
  };
}
