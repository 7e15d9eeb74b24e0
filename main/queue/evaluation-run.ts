// Evaluation on the queue (distributed-run.ts): the split's labeled lines in chunks, each
// read by a worker (evaluate-part.ts), which answers its error counts; the run keeps them by
// part and, once every part is done, merges them in the lines' order (the same counts, rates
// and confusions as the desktop's evaluation of the same lines), keeps the CER and WER with
// the model and records the result as the desktop's evaluation job does.
import type { JobConfig } from '../../shared/job-configs.ts';
import { dataset } from '../db/dataset.ts';
import { evaluationEnd, evaluationMetrics } from '../jobs/transcription.ts';
import { ErrorCounter, type ErrorCounts } from '../ml/metrics.ts';
import { registry } from '../models/registry.ts';
import { failedEnd, type JobParts, type QueueStore } from './job-parts.ts';
import { evaluatedLinesSchema } from './tasks.ts';

/** The labeled lines of a split, in the project's line order: what an evaluation reads. */
export const labeledInSplit = async (store: QueueStore, split: JobConfig<'evaluate'>['split']): Promise<number[]> =>
  (await store.run(dataset.labeledLineRows())).filter((r) => r.split === split).map((r) => r.lineId);

export function evaluationParts(store: QueueStore, jobId: number, config: JobConfig<'evaluate'>, chunkSize: number): JobParts<'evaluate'> {
  const counts = new Map<number, ErrorCounts>();
  let lines = 0;
  return {
    kind: 'evaluate',
    unit: 'line',
    phase: 'evaluate',
    partSize: chunkSize,
    config: { ...config, kind: 'evaluate' },
    todo: () => labeledInSplit(store, config.split),
    part: (index, of, lineIds) => ({ index, of, lineIds }),
    answer: evaluatedLinesSchema,
    add(index, a) {
      counts.set(index, a.counts);
      lines += a.lines;
      return `${a.lines} lines compared with their labels${a.skipped ? `, ${a.skipped} no longer labeled in the ${config.split} split` : ''}`;
    },
    async finish(ids) {
      const parts = Math.ceil(ids.length / chunkSize);
      if (counts.size < parts) return failedEnd(jobId, `${parts - counts.size} part(s) answered no error counts that could be read`);
      if (lines === 0) return failedEnd(jobId, `no labeled lines in the ${config.split} split to evaluate on`);
      const counter = new ErrorCounter();
      for (let i = 0; i < parts; i++) counter.merge(counts.get(i)!);
      const report = { ...counter.report(), lines };
      await store.run(registry.updateModelMetrics(config.modelId, evaluationMetrics(config.split, report)));
      return {
        change: { state: 'done', modelId: config.modelId, ...evaluationEnd(config.split, report) },
        event: { type: 'job-changed', jobId, state: 'done', modelId: config.modelId },
      };
    },
  };
}
