// A worker's part of a transcription job: read a chunk of lines with the job's model version
// and store the readings (read-lines.ts skips lines the job has stored, so a chunk redone
// after a worker died loses and duplicates nothing). The reader is kept open between chunks
// (open-stores.ts).
import type { JobConfig } from '../../shared/job-configs.ts';
import { dataset } from '../db/dataset.ts';
import { readAndStore } from '../jobs/read-lines.ts';
import { decodingOp } from '../jobs/decoding-spec.ts';
import { serialReader, storedJob, type OpenStore, type OpenStores } from './open-stores.ts';
import type { PartProgress, TaskOf } from './tasks.ts';

/**
 * The part as its store's job row allows it (storedJob: the model and beam are the stored
 * job's). Lines outside the job's pages are left out, so no task writes readings the job was
 * not asked for. A line deleted since it was queued is left out too.
 */
export async function checkPart(
  store: OpenStore,
  task: TaskOf<'transcribe'>,
): Promise<{ config: JobConfig<'transcribe'>; lineIds: number[]; outside: number }> {
  const { config } = await storedJob(store, task);
  // Only the part's own lines are looked up: a part is a sliver of a project that may hold millions.
  const ofJob = new Set(
    (await store.run(dataset.linesToReadAmong(task.part.lineIds)))
      .filter((l) => !config.pageIds || config.pageIds.includes(l.page_id))
      .map((l) => l.id),
  );
  const lineIds = task.part.lineIds.filter((id) => ofJob.has(id));
  return { config, lineIds, outside: task.part.lineIds.length - lineIds.length };
}

export async function transcribePart(
  stores: OpenStores,
  task: TaskOf<'transcribe'>,
  onProgress: (p: PartProgress) => Promise<void>,
): Promise<{ written: number; skipped: number }> {
  const store = await stores.open(task.store);
  const { config, lineIds, outside } = await checkPart(store, task);
  const decoding = await store.run(decodingOp(config));
  const result = await stores.withReader(store, config.modelId, ({ reader, height }) => {
    const target = { jobId: task.jobId, modelId: config.modelId, height, decoding };
    return readAndStore(store, serialReader(stores, `${store.key}#${config.modelId}`, reader), target, lineIds, {
      onBatch: (done, of) => onProgress({ done, of }),
    });
  });
  // Lines left out (or removed while the part ran) count as not read by this part, as lines read before do.
  return { written: result.written.length, skipped: result.skipped + result.gone + outside };
}
