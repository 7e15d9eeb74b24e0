// The service table behind every transport: plain async functions over one open project.
// Transports validate requests with shared/api.ts before calling in.
import type { DocumentSummary, EventSink, PageSummary, ProjectApi, ProjectInfo } from '../../shared/api.ts';
import { importFiles, importLineFolder, type ImportProgress } from '../import/import-images.ts';
import { FINISHED_DOCUMENT } from '../import/document-writer.ts';
import type { Project } from '../project/project.ts';
import { exportProject } from '../export/export-project.ts';
import { getPage, lineHistory, PAGE_SUMMARY, search } from './pages.ts';
import { NOT_EXCLUDED, IN_FINISHED_DOCUMENT, LABELED } from '../project/dataset.ts';
import { listJobs } from '../jobs/jobs.ts';
import { withLiveStates } from '../jobs/live-jobs.ts';
import { UndoStack } from '../edits/undo-stack.ts';
import { editMethods } from './edit-service.ts';
import { modelMethods } from './model-service.ts';
import { readingMethods } from './reading-service.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { checkTrainingRequest } from '../jobs/training-runs.ts';
import { reviewLines, suggestLines } from '../jobs/suggest.ts';
import { correctedPageIds } from '../jobs/segmenter-training.ts';
import { listProjectSegmenters } from '../layout/project-segmenters.ts';

export type { EventSink };

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
    ...readingMethods(project),

    async projectInfo(): Promise<ProjectInfo> {
      const row = db
        .prepare(
          `SELECT
          (SELECT count(*) FROM documents WHERE ${FINISHED_DOCUMENT}) AS documents,
          -- Pages of scanned documents: an imported line image counts as a line, not as a page.
          (SELECT count(*) FROM pages p WHERE p.document_id IN (SELECT id FROM documents WHERE kind = 'scan' AND ${FINISHED_DOCUMENT})) AS pages,
          (SELECT count(*) FROM lines l WHERE ${IN_FINISHED_DOCUMENT} AND ${NOT_EXCLUDED}) AS lines,
          (SELECT count(*) FROM lines l WHERE ${LABELED} AND ${IN_FINISHED_DOCUMENT} AND ${NOT_EXCLUDED}) AS labeled`,
        )
        .get() as Omit<ProjectInfo, 'path' | 'name'>;
      return { path: project.root, name: project.name, ...row };
    },

    async listDocuments(): Promise<DocumentSummary[]> {
      return db
        .prepare(
          `SELECT d.id, d.name, d.kind, d.source_path AS sourceFile, d.created_at AS createdAt,
          (SELECT count(*) FROM pages p WHERE p.document_id = d.id) AS pages,
          (SELECT count(*) FROM lines l JOIN pages p ON p.id = l.page_id WHERE p.document_id = d.id AND ${NOT_EXCLUDED}) AS lines,
          (SELECT count(*) FROM lines l JOIN pages p ON p.id = l.page_id WHERE p.document_id = d.id AND ${LABELED} AND ${NOT_EXCLUDED}) AS labeled,
          (SELECT image_hash FROM pages p WHERE p.document_id = d.id ORDER BY page_index LIMIT 1) AS coverImage
        FROM documents d WHERE ${FINISHED_DOCUMENT} ORDER BY d.id`,
        )
        .all() as DocumentSummary[];
    },

    async listPages({ documentId }): Promise<PageSummary[]> {
      return db
        .prepare(`SELECT ${PAGE_SUMMARY} FROM pages p WHERE p.document_id = ? ORDER BY p.page_index`)
        .all(documentId) as PageSummary[];
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
        ({ id, kind, state, progress, error, log, modelId, config, createdAt, updatedAt, waiting }) => ({
          id,
          kind,
          state,
          progress,
          error,
          log,
          modelId,
          config,
          createdAt,
          updatedAt,
          waiting,
        }),
      );
    },

    async startTraining(request) {
      // The server's defaults (threads), the same check as a job's config on resume.
      return { jobId: jobs().start(checkTrainingRequest(request)) };
    },

    async startTranscription(request) {
      return { jobId: jobs().start({ kind: 'transcribe', ...request }) };
    },

    async startEvaluation({ modelId, split }) {
      return { jobId: jobs().start({ kind: 'evaluate', modelId, split }) };
    },

    async startSegmenterTraining(request) {
      // Refused before it queues: a job that can only fail would wait behind others first.
      if (correctedPageIds(project).length === 0)
        throw new Error('no corrected pages: a segmenter trains on pages whose every line is transcribed (outside excluded regions)');
      return { jobId: jobs().start({ kind: 'segment', ...request }) };
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
