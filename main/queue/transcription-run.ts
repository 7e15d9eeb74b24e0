// Transcription on the queue (distributed-run.ts): the job's lines in chunks, each read by a
// worker (transcribe-part.ts), which answers how many it read and how many the job had read
// before (a redone chunk). The job is done when every line still in the project has the job's
// reading: counted from the store, not from the answers.
import type { JobConfig } from '../../shared/job-configs.ts';
import { predictions } from '../db/predictions.ts';
import { lineIdsToRead } from '../jobs/transcription.ts';
import { failedEnd, type JobParts, type QueueStore } from './job-parts.ts';
import { partResultSchema } from './tasks.ts';

export function transcriptionParts(
  store: QueueStore,
  jobId: number,
  config: JobConfig<'transcribe'>,
  chunkSize: number,
): JobParts<'transcribe'> {
  let written = 0;
  let skipped = 0;
  return {
    kind: 'transcribe',
    unit: 'line',
    phase: 'transcribe',
    partSize: chunkSize,
    config: { ...config, kind: 'transcribe' },
    todo: () => store.run(lineIdsToRead(config.pageIds)),
    part: (index, of, lineIds) => ({ index, of, lineIds }),
    answer: partResultSchema,
    add(_, r) {
      written += r.written;
      skipped += r.skipped;
      return `${r.written} read${r.skipped ? `, ${r.skipped} already read (a redone part)` : ''}`;
    },
    async finish(ids, workers) {
      const still = new Set(await store.run(lineIdsToRead(config.pageIds)));
      const read = await store.run(predictions.linesReadByJob(jobId, ids));
      const missing = ids.filter((id) => still.has(id) && !read.has(id));
      if (missing.length)
        return failedEnd(jobId, `${missing.length} line(s) have no reading after every part finished (first: line ${missing[0]})`);
      return {
        change: {
          state: 'done',
          modelId: config.modelId,
          log: `read ${ids.length} lines (${written} in this run, ${skipped} already read) on ${workers.size} worker(s)`,
        },
        event: { type: 'job-changed', jobId, state: 'done', modelId: config.modelId },
      };
    },
  };
}
