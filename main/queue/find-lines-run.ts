// Finding lines on the queue (distributed-run.ts): a team server's "Find lines" on its pages,
// one page a part, each segmented by a worker (find-lines-part.ts), which answers the page's
// counts. The job's result is the SegmentReport of its pages (kept in its row's progress, as
// an evaluation keeps its report), which the server's segmentPages answers. A resumed job
// queues only the pages it has not written.
import type { SegmentReport } from '../../shared/api.ts';
import type { JobConfig } from '../../shared/job-configs.ts';
import { DEFAULT_SEGMENTER } from '../../shared/segmenter-options.ts';
import { pages } from '../db/pages.ts';
import { addCounts } from '../layout/segment-pages.ts';
import { failedEnd, type JobParts, type QueueStore } from './job-parts.ts';
import { foundPagesSchema } from './tasks.ts';

export function findLinesParts(store: QueueStore, jobId: number, config: JobConfig<'find-lines'>): JobParts<'find-lines'> {
  const report: SegmentReport = {
    pages: 0,
    added: 0,
    keptLabeled: 0,
    removed: 0,
    regions: 0,
    segmenter: config.segmenter ?? DEFAULT_SEGMENTER,
  };
  let skipped = 0;
  return {
    kind: 'find-lines',
    unit: 'page',
    phase: 'find-lines',
    partSize: 1,
    config: { ...config, kind: 'find-lines' },
    async todo() {
      // Pages deleted since, and pages this job has written (it is resumed), are left out.
      const now = await store.run(pages.segmentationOf(config.pageIds));
      return [...new Set(config.pageIds)].filter((id) => now.has(id) && now.get(id) !== jobId);
    },
    part: (index, of, pageIds) => ({ index, of, pageIds }),
    answer: foundPagesSchema,
    add(_, a) {
      addCounts(report, a);
      report.pages += a.pages;
      skipped += a.skipped;
      report.segmenter = a.segmenter;
      if (a.fallback) report.fallback = a.fallback;
      const done = `${a.added} line(s) found, ${a.removed} replaced, ${a.keptLabeled} transcribed kept`;
      return a.pages ? done : 'skipped (written by this job before, or gone)';
    },
    async finish(ids, workers) {
      // A page of the job that exists and holds no job's lines, or an older job's, was not
      // written (a newer job's lines are fine: it found them after this one).
      const now = await store.run(pages.segmentationOf(ids));
      const missing = ids.filter((id) => now.has(id) && (now.get(id) ?? 0) < jobId);
      if (missing.length)
        return failedEnd(
          jobId,
          `${missing.length} page(s) have not had their lines found after every part finished (first: page ${missing[0]})`,
        );
      const fallback = report.fallback ? ` (${report.fallback})` : '';
      return {
        change: {
          state: 'done',
          progress: { step: ids.length, steps: ids.length, result: report },
          log: `found lines on ${report.pages} page(s) with the ${report.segmenter} segmenter${fallback}: ${report.added} added, ${report.removed} replaced, ${report.keptLabeled} transcribed kept, ${report.regions} region(s)${skipped ? `; ${skipped} page(s) skipped` : ''}, on ${workers.size} worker(s)`,
        },
        event: { type: 'job-changed', jobId, state: 'done' },
      };
    },
  };
}
