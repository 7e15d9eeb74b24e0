// A worker's part of a find-lines job (a team server's "Find lines"): segment its page with
// the job's segmenter (the bundled model, the classical segmenter, or a segmenter fine-tuned
// in the project, from the store's files folder) and write the found lines through the
// desktop's own program (segment-pages.ts writeFoundPage): transcribed lines are never
// removed, and the page records the job. A page the job has written already (a part redone
// after its worker died, or a job resumed) is skipped before the segmenter runs, and again
// in the write itself; a page deleted since it was queued, or not among the job's pages, is
// skipped too.
import { pages } from '../db/pages.ts';
import { resolveProjectSegmenter } from '../layout/project-segmenters.ts';
import { addCounts, newReport, segmentPageAt } from '../layout/segment-pages.ts';
import { storedJob, type OpenStores } from './open-stores.ts';
import type { FoundPages, PartProgress, TaskOf } from './tasks.ts';

export async function findLinesPart(
  stores: OpenStores,
  task: TaskOf<'find-lines'>,
  onProgress: (p: PartProgress) => Promise<void>,
): Promise<Omit<FoundPages, 'worker' | 'seconds'>> {
  const store = await stores.open(task.store);
  const { config } = await storedJob(store, task);
  const segmenter = await resolveProjectSegmenter(store, config.segmenter);
  const asked = new Set(config.pageIds);
  const now = await store.run(pages.segmentationOf(task.part.pageIds));
  const report = newReport(segmenter);
  let skipped = 0;
  for (const [i, pageId] of task.part.pageIds.entries()) {
    const by = now.get(pageId);
    const counts =
      asked.has(pageId) && by !== undefined && by !== task.jobId
        ? await segmentPageAt(store, pageId, segmenter, { jobId: task.jobId, author: config.author })
        : null;
    if (counts) {
      addCounts(report, counts);
      report.pages++;
    } else skipped++;
    await onProgress({ done: i + 1, of: task.part.pageIds.length });
  }
  return { ...report, skipped };
}
