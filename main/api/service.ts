// The service table behind every transport: plain async functions over one open project.
// Every caller reaches it through the dispatcher (dispatch.ts), which validates requests
// with shared/api.ts before calling in.
import type { DocumentSummary, EventSink, PageSummary, ProjectApi, ProjectInfo } from '../../shared/api.ts';
import { importFiles, importLineFolder, type ImportProgress } from '../import/import-images.ts';
import { FINISHED_DOCUMENT } from '../import/document-writer.ts';
import type { Project } from '../project/project.ts';
import { exportProject } from '../export/export-project.ts';
import { getPage, lineHistory, PAGE_SUMMARY, search } from './pages.ts';
import { NOT_EXCLUDED, IN_FINISHED_DOCUMENT, LABELED } from '../project/dataset.ts';
import { UndoStack } from '../edits/undo-stack.ts';
import { editMethods } from './edit-service.ts';
import { modelMethods } from './model-service.ts';
import { readingMethods } from './reading-service.ts';
import { jobMethods } from './job-service.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { reviewLines, suggestLines } from '../jobs/suggest.ts';

export type { EventSink };

/**
 * `runner` runs background jobs (the app's, or the `quire` command's own);
 * `history` is the project's undo history (the app keeps one per project while it runs).
 */
export function createService(project: Project, emit: EventSink = () => {}, runner?: JobRunner, history = new UndoStack()): ProjectApi {
  const db = project.db;
  const progress = (p: ImportProgress) => emit({ type: 'import-progress', ...p });
  return {
    ...editMethods(project, history, emit),
    ...modelMethods(project),
    ...readingMethods(project),
    ...jobMethods(project, runner),

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
