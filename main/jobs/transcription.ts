// Transcribing and evaluating with a model version. Readings go to the predictions table
// (one per line and model, replaced when another job reads it again) and never touch a human
// transcription. Evaluation uses only labeled lines of the chosen split.
import type { Split } from '../../shared/api.ts';
import { initBackend } from '../ml/backend.ts';
import type { ErrorReport } from '../ml/metrics.ts';
import { evaluateLines, startLineReader, type LineReader } from '../ml/line-reader.ts';
import { loadVersion, updateModelMetrics } from '../models/registry.ts';
import { dataset } from '../db/dataset.ts';
import { perform } from '../db/execute.ts';
import { map } from '../db/ops.ts';
import { labeledLines, samplesFor } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';
import { folderStore } from '../project/project-store.ts';
import { claimJob, createJob, JobCancelled, updateJob } from './jobs.ts';
import { defaultTrainingThreads } from '../ml/parallel.ts';
import { readAndStore, type LineReading } from './read-lines.ts';
import { decodingFor } from './decoding-spec.ts';

export type { LineReading };

/** Lines of the given pages, or of the whole project, except those of regions excluded from transcription: for either store. */
export const lineIdsToRead = (pageIds?: number[] | null) =>
  map(dataset.linesToRead(), (rows) => rows.filter((r) => !pageIds || pageIds.includes(r.page_id)).map((r) => r.id));

/** lineIdsToRead of a project folder. */
export const lineIdsOf = (project: Project, pageIds?: number[]): number[] => perform(project.db, lineIdsToRead(pageIds));

export interface TranscribeOptions {
  pageIds?: number[];
  beamWidth?: number;
  /** Decode with the bundled language model and the project's transcriptions (decoding-spec.ts). */
  languageModel?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** A queued job row to run under (the app's job runner); otherwise one is created. */
  jobId?: number;
  /** Stops between chunks; what was read so far stays stored. */
  signal?: AbortSignal;
  /** Threads that read (ONNX Runtime's, or a tfjs worker pool on wasm/cpu); default as for training. */
  threads?: number;
}

/**
 * Reads the lines with the model in this process. Lines the job has already read (a job run
 * again after a cancel or crash) are skipped. Returns the readings it stored.
 */
export async function transcribe(project: Project, modelId: number, options: TranscribeOptions = {}): Promise<LineReading[]> {
  const backend = await initBackend();
  const job =
    options.jobId !== undefined ? { id: options.jobId } : createJob(project, 'transcribe', { modelId, pageIds: options.pageIds ?? null });
  // A queued job is claimed, never overwritten: a cancel (quire cancel) that came first stands.
  if (options.jobId !== undefined) claimJob(project, job.id, ['queued']);
  let reader: LineReader | undefined;
  try {
    const { model, codec } = loadVersion(project, modelId);
    reader = await startLineReader(model, codec, backend.name, options.threads ?? defaultTrainingThreads());
    const ids = lineIdsOf(project, options.pageIds);
    // Pages at a time: bounded memory, each batch is read on all threads and committed as it is done.
    const target = { jobId: job.id, modelId, height: model.config.height, decoding: decodingFor(project, options) };
    let done = 0;
    const { written, gone } = await readAndStore(folderStore(project), reader, target, ids, {
      batch: 256,
      signal: options.signal,
      onBatch: (step, total) => {
        done = step;
        options.onProgress?.(step, total);
        updateJob(project, job.id, { progress: { step, steps: total } });
      },
    });
    if (options.signal?.aborted) throw new JobCancelled(`transcription stopped after ${done} of ${ids.length} lines`);
    const removed = gone ? `; ${gone} ${gone === 1 ? 'line' : 'lines'} removed during the run ${gone === 1 ? 'was' : 'were'} skipped` : '';
    updateJob(project, job.id, {
      state: 'done',
      modelId,
      log: `read ${ids.length - gone} lines${options.languageModel ? ' with the language model' : ''}${removed}`,
    });
    return written;
  } catch (error) {
    if (error instanceof JobCancelled) updateJob(project, job.id, { state: 'cancelled', log: error.message });
    else updateJob(project, job.id, { state: 'failed', error: (error as Error).message });
    throw error;
  } finally {
    await reader?.stop();
  }
}

export async function evaluateModel(project: Project, modelId: number, split: Split = 'test'): Promise<Evaluation> {
  const backend = await initBackend();
  const { model, codec } = loadVersion(project, modelId);
  const lines = labeledLines(project, [split]);
  if (lines.length === 0) throw new Error(`no labeled lines in the ${split} split to evaluate on`);
  const samples = await samplesFor(project, lines, model.config.height);
  const report = { ...(await evaluateLines(model, codec, backend.name, samples, defaultTrainingThreads())), lines: lines.length };
  updateModelMetrics(project, modelId, evaluationMetrics(split, report));
  return report;
}

export type Evaluation = ErrorReport & { lines: number };

/**
 * What an evaluation keeps with the model (from the app's evaluation job, `quire eval` and a
 * team server's queue alike), so versions can be compared on the same split.
 */
export const evaluationMetrics = (split: Split, report: Evaluation) => ({
  [`${split}Cer`]: report.cer,
  [`${split}Wer`]: report.wer,
  [`${split}Lines`]: report.lines,
});

/** An evaluation job's end as its row records it: the result whole in its progress (what `quire eval` prints), and its log line. */
export const evaluationEnd = (split: Split, report: Evaluation) => ({
  progress: { step: report.lines, steps: report.lines, result: report },
  log: `${split} split, ${report.lines} lines: CER ${(100 * report.cer).toFixed(2)} %, WER ${(100 * report.wer).toFixed(2)} %`,
});

/**
 * Runs a queued evaluation job (the runner's): the result goes to its log, to the model's
 * metrics, and whole to its progress as `result` (what `quire eval` prints).
 */
export async function runEvaluationJob(project: Project, jobId: number, modelId: number, split: Split): Promise<void> {
  claimJob(project, jobId, ['queued']);
  try {
    const report = await evaluateModel(project, modelId, split);
    updateJob(project, jobId, { state: 'done', modelId, ...evaluationEnd(split, report) });
  } catch (error) {
    updateJob(project, jobId, { state: 'failed', error: (error as Error).message });
    throw error;
  }
}
