// The service method that lists a model's stored readings (predictions) of the project's
// lines, in reading order, as `quire transcribe` prints them once its job is done. On either
// store: `run` is a project folder's database or a team server's.
import type { ProjectApi } from '../../shared/api.ts';
import type { Runner } from '../db/ops.ts';
import { predictions } from '../db/predictions.ts';

export function readingMethods(run: Runner): Pick<ProjectApi, 'listReadings'> {
  return {
    async listReadings({ modelId, pageIds }) {
      const rows = await run(predictions.modelReadings(modelId));
      const pages = pageIds && new Set(pageIds);
      return rows.filter((r) => !pages || pages.has(r.pageId)).map(({ pageId: _, ...reading }) => reading);
    },
  };
}
