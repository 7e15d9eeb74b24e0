// The service method that lists a model's stored readings (predictions) of the project's
// lines, in reading order, as `quire transcribe` prints them once its job is done.
import type { ProjectApi } from '../../shared/api.ts';
import { modelReadings } from '../db/predictions.ts';
import type { Project } from '../project/project.ts';

export function readingMethods(project: Project): Pick<ProjectApi, 'listReadings'> {
  return {
    async listReadings({ modelId, pageIds }) {
      const rows = modelReadings(project.db, modelId);
      const pages = pageIds && new Set(pageIds);
      return rows.filter((r) => !pages || pages.has(r.pageId)).map(({ pageId: _, ...reading }) => reading);
    },
  };
}
