// The service table behind every transport: plain async functions over one open project.
// Every caller reaches it through the dispatcher (dispatch.ts), which validates requests
// with shared/api.ts before calling in.
import type { DocumentSummary, EventSink, PageSummary, ProjectApi, ProjectInfo } from '../../shared/api.ts';
import { importFiles, importLineFolder, type ImportProgress } from '../import/import-images.ts';
import type { Project } from '../project/project.ts';
import { exportProject } from '../export/export-project.ts';
import { documentSummaries, projectCounts } from '../db/documents.ts';
import { pageSummaries } from '../db/pages.ts';
import { getPage, lineHistory, search } from './pages.ts';
import { UndoHistories, UndoStack } from '../edits/undo-stack.ts';
import { desktopRunner } from '../db/execute.ts';
import { editMethods } from './edit-service.ts';
import { documentMethods } from './document-service.ts';
import { modelMethods } from './model-service.ts';
import { readingMethods } from './reading-service.ts';
import { jobMethods } from './job-service.ts';
import type { JobHost } from '../jobs/runner.ts';
import { reviewLines, suggestLines } from '../jobs/suggest.ts';

export type { EventSink };

/**
 * `runner` runs background jobs (the app's, or the `quire` command's own);
 * `histories`, the project's undo history (the app keeps one per project while it runs; a
 * team server one per account).
 */
export function createService(
  project: Project,
  emit: EventSink = () => {},
  runner?: JobHost,
  histories: UndoHistories = UndoHistories.single(new UndoStack()),
): ProjectApi {
  const db = project.db;
  const progress = (p: ImportProgress) => emit({ type: 'import-progress', ...p });
  return {
    ...editMethods({ run: desktopRunner(() => db), project }, histories, emit),
    ...modelMethods({ run: desktopRunner(() => db), root: project.root, project }),
    ...readingMethods(desktopRunner(() => db)),
    ...jobMethods(project, runner),
    ...documentMethods(
      desktopRunner(() => db),
      emit,
    ),

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

    async suggestLines({ modelId, limit }) {
      return suggestLines(project, modelId ?? null, limit);
    },

    async reviewLines({ limit }) {
      return reviewLines(project, limit);
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
