// The service method that lists a model's stored readings (predictions) of the project's
// lines, in reading order, as `quire transcribe` prints them once its job is done.
import type { ProjectApi } from '../../shared/api.ts';
import { NOT_EXCLUDED } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';

export function readingMethods(project: Project): Pick<ProjectApi, 'listReadings'> {
  return {
    async listReadings({ modelId, pageIds }) {
      const rows = project.db
        .prepare(
          `SELECT l.id AS lineId, l.page_id AS pageId, l.source_name AS sourceName, p.text, p.confidence
          FROM lines l JOIN predictions p ON p.line_id = l.id AND p.model_id = ?
          WHERE ${NOT_EXCLUDED} ORDER BY l.page_id, l.reading_order, l.id`,
        )
        .all(modelId) as Array<{ lineId: number; pageId: number; sourceName: string | null; text: string; confidence: number }>;
      const pages = pageIds && new Set(pageIds);
      return rows.filter((r) => !pages || pages.has(r.pageId)).map(({ pageId: _, ...reading }) => reading);
    },
  };
}
