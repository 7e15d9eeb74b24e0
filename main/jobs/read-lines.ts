// Reads a set of lines with a started reader and stores the readings for a job, in small
// batches each committed on its own: the local transcription job and a queue worker's chunk
// (main/queue) both read through here. A line the job has already stored a reading of is
// skipped, before reading (no work wasted) and again in the write itself (another worker may
// have stored it meanwhile: a chunk whose worker seemed dead is handed out again while the
// first may still be finishing), so each line is written once per job however often a chunk
// is redone. A batch is one transaction: a worker killed mid-chunk loses at most the batch
// in flight, never half of one.
import { transaction } from '../db/execute.ts';
import { lineSourceName } from '../db/lines.ts';
import { linesReadByJob, upsertPrediction } from '../db/predictions.ts';
import type { LineReader } from '../ml/line-reader.ts';
import type { Decoding } from '../ml/decoding.ts';
import { samplesFor } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';

export interface LineReading {
  lineId: number;
  sourceName: string | null;
  text: string;
  confidence: number;
  charConfidence: number[];
}

export interface ReadLinesTarget {
  jobId: number;
  modelId: number;
  /** The model's input height (its config). */
  height: number;
  /** A beam width or a language model (main/jobs/decoding-spec.ts). */
  decoding: Decoding;
}

export interface ReadLinesResult {
  /** Readings this call stored. */
  written: LineReading[];
  /** Lines the job had already read (stored before, by this call's earlier run or another worker). */
  skipped: number;
}

/** Lines committed per transaction (and per progress report). */
export const READ_BATCH = 32;

export async function readAndStore(
  project: Project,
  reader: LineReader,
  target: ReadLinesTarget,
  lineIds: readonly number[],
  o: { batch?: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void | Promise<void> } = {},
): Promise<ReadLinesResult> {
  const batch = o.batch ?? READ_BATCH;
  const written: LineReading[] = [];
  let skipped = 0;
  for (let i = 0; i < lineIds.length; i += batch) {
    if (o.signal?.aborted) break;
    const ids = lineIds.slice(i, i + batch);
    const already = linesReadByJob(project.db, target.jobId, ids);
    const todo = ids.filter((id) => !already.has(id));
    skipped += already.size;
    if (todo.length) {
      const samples = await samplesFor(
        project,
        todo.map((lineId) => ({ lineId, text: '' })),
        target.height,
      );
      const readings = (await reader.readLines(
        samples.map((s) => s.image),
        16,
        target.decoding,
      ))!;
      transaction(project.db, () => {
        todo.forEach((lineId, k) => {
          const r = readings[k];
          const charConfidence = JSON.stringify(r.charConfidence.map((c) => Math.round(c * 1000) / 1000));
          const stored = { text: r.text, confidence: r.confidence, charConfidence };
          if (upsertPrediction(project.db, lineId, target.modelId, stored, target.jobId))
            written.push({ lineId, sourceName: lineSourceName(project.db, lineId), ...r });
          else skipped++;
        });
      });
    }
    await o.onBatch?.(Math.min(lineIds.length, i + batch), lineIds.length);
  }
  return { written, skipped };
}
