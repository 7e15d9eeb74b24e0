// Reads a set of lines with a started reader and stores the readings for a job, in small
// batches each committed on its own: the local transcription job and a queue worker's chunk
// (main/queue) both read through here. A line the job has already stored a reading of is
// skipped, before reading (no work wasted) and again in the write itself (another worker may
// have stored it meanwhile: a chunk whose worker seemed dead is handed out again while the
// first may still be finishing), so each line is written once per job however often a chunk
// is redone. A batch is one transaction: a worker killed mid-chunk loses at most the batch
// in flight, never half of one. It runs on either store (project-store.ts): a team server's
// workers read its lines as a desktop's. A line removed since the caller listed it (deleted,
// or its region excluded, while the job runs) is skipped and counted as gone: checked before
// its batch is cut, when it is cut, and in the write.
import { dataset } from '../db/dataset.ts';
import { lines } from '../db/lines.ts';
import { step, transaction, type Program } from '../db/ops.ts';
import { predictions } from '../db/predictions.ts';
import type { LineReader } from '../ml/line-reader.ts';
import type { Reading } from '../ml/recognize.ts';
import type { Decoding } from '../ml/decoding.ts';
import { toLineTensor } from '../ml/line-image.ts';
import { lineImagesAt } from '../project/line-images.ts';
import type { ProjectStore } from '../project/project-store.ts';

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
  /** Lines removed since they were listed (deleted, or their region excluded): not read. */
  gone: number;
}

/** Lines committed per transaction (and per progress report). */
export const READ_BATCH = 32;

/**
 * Reads the lines into the job's readings, on either store (`store`: a project folder's, or a
 * team server's with its shared folder of files).
 */
export async function readAndStore(
  store: ProjectStore,
  reader: LineReader,
  target: ReadLinesTarget,
  lineIds: readonly number[],
  o: { batch?: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void | Promise<void> } = {},
): Promise<ReadLinesResult> {
  const batch = o.batch ?? READ_BATCH;
  const written: LineReading[] = [];
  let skipped = 0;
  let gone = 0;
  for (let i = 0; i < lineIds.length; i += batch) {
    if (o.signal?.aborted) break;
    const ids = lineIds.slice(i, i + batch);
    const already = await store.run(predictions.linesReadByJob(target.jobId, ids));
    skipped += already.size;
    const listed = ids.filter((id) => !already.has(id));
    const toRead = new Set((await store.run(dataset.linesToReadAmong(listed))).map((l) => l.id));
    // Removed meanwhile, or removed while they are cut (the map then lacks them).
    const images = await lineImagesAt(
      store,
      listed.filter((id) => toRead.has(id)),
      { skipMissing: true },
    );
    const todo = listed.filter((id) => images.has(id));
    gone += listed.length - todo.length;
    if (todo.length) {
      const readings = (await reader.readLines(
        todo.map((id) => toLineTensor(images.get(id)!, target.height)),
        16,
        target.decoding,
      ))!;
      const stored = await store.run(storeReadings(target, todo, readings));
      written.push(...stored.written);
      skipped += todo.length - stored.written.length - stored.gone;
      gone += stored.gone;
    }
    await o.onBatch?.(Math.min(lineIds.length, i + batch), lineIds.length);
  }
  return { written, skipped, gone };
}

/**
 * A batch's readings in one transaction; answers those written (not those the job had stored
 * meanwhile) and how many lines went while the batch was read.
 */
const storeReadings = (target: ReadLinesTarget, lineIds: number[], readings: readonly Reading[]) =>
  transaction(function* (): Program<{ written: LineReading[]; gone: number }> {
    const written: LineReading[] = [];
    let gone = 0;
    for (const [k, lineId] of lineIds.entries()) {
      if (!(yield* step(lines.lineExists(lineId)))) {
        gone++;
        continue;
      }
      const r = readings[k];
      const charConfidence = JSON.stringify(r.charConfidence.map((c) => Math.round(c * 1000) / 1000));
      const stored = { text: r.text, confidence: r.confidence, charConfidence };
      if (yield* step(predictions.upsertPrediction(lineId, target.modelId, stored, target.jobId)))
        written.push({ lineId, sourceName: yield* step(lines.lineSourceName(lineId)), ...r });
    }
    return { written, gone };
  });
