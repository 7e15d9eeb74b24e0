// A worker's part of an evaluation job: read a chunk of the split's labeled lines with the
// job's model (greedy, as the desktop's evaluation reads) and answer the error counts
// against their labels (metrics.ts ErrorCounts); the enqueuing side adds the parts up
// (evaluation-run.ts). Nothing is written, so a redone part only counts again. A line no
// longer labeled, or not in the job's split, is skipped; its label is the one current when
// the part runs.
import { dataset } from '../db/dataset.ts';
import { ErrorCounter } from '../ml/metrics.ts';
import { samplesAt } from '../project/dataset.ts';
import { serialReader, storedJob, type OpenStores } from './open-stores.ts';
import type { EvaluatedLines, PartProgress, TaskOf } from './tasks.ts';

/** Lines read per batch (and per progress report). */
const BATCH = 32;

export async function evaluatePart(
  stores: OpenStores,
  task: TaskOf<'evaluate'>,
  onProgress: (p: PartProgress) => Promise<void>,
): Promise<Omit<EvaluatedLines, 'worker' | 'seconds'>> {
  const store = await stores.open(task.store);
  const { config } = await storedJob(store, task);
  const labeled = new Map((await store.run(dataset.labeledAmong(task.part.lineIds))).map((l) => [l.lineId, l]));
  // In the part's order (the project's line order): the confusions are met in the order the desktop meets them.
  const lines = task.part.lineIds.flatMap((id) => {
    const l = labeled.get(id);
    return l && l.split === config.split ? [l] : [];
  });
  const counter = new ErrorCounter();
  await stores.withReader(store, config.modelId, async ({ reader, height }) => {
    const read = serialReader(stores, `${store.key}#${config.modelId}`, reader);
    for (let i = 0; i < lines.length; i += BATCH) {
      const batch = lines.slice(i, i + BATCH);
      const samples = await samplesAt(store, batch, height);
      // Greedy (beam 1) in batches of 16, as evaluateLines reads.
      const readings = (await read.readLines(
        samples.map((s) => s.image),
        16,
        1,
      ))!;
      batch.forEach((l, k) => counter.add(l.text, readings[k].text));
      await onProgress({ done: Math.min(lines.length, i + BATCH), of: lines.length });
    }
  });
  return { lines: lines.length, skipped: task.part.lineIds.length - lines.length, counts: counter.counts() };
}
