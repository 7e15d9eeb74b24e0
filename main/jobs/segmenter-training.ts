// Fine-tuning a segmentation model on a project's corrected pages: pages whose every line
// outside excluded regions carries a transcription. A person has been through such a page
// line by line, so its lines (all of them, excluded regions' too: they are lines all the
// same) are its true lines. Each page is scaled to the model's page size with its lines,
// baselines and regions rasterised as targets (seg-targets.ts); the model (the bundled one
// unless another .qseg is named) trains on random crops of them (seg-train.ts) and is written
// to <project>/segmenters/job-<id>.qseg, for `quire segment --model FILE` and the app's "Find
// lines" menu (layout/project-segmenters.ts). The run is a job row (kind "segment"), like
// recognizer training. The run itself (`runSegmenterJob`) is store-neutral: it reads the pages
// through a ProjectStore, so a team server's queue worker (main/queue/segmenter-part.ts) trains
// from the PostgreSQL store and its shared folder of files just as the desktop does from a
// project folder. Who runs it records the job's state: the desktop (trainProjectSegmenter, in
// the calling thread: the CLI's, or the app's job worker) writes running, done, failed or
// cancelled itself; a queue worker leaves them to the server process that follows its task.
// It checkpoints every few steps (weights, Adam's moments, step) to the store's
// checkpoints/job-<id>.qseg, and at a cancel; a run of the same job started again (Resume,
// or a queue task handed out again) continues from there, and the finished run removes it.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../ml/backend.ts';
import type { SegSample } from '../ml/seg-train.ts';
import { defaultTrainingThreads } from '../ml/parallel.ts';
import { grayPage } from '../project/line-images.ts';
import { correctedPageIds as correctedPages, dataset } from '../db/dataset.ts';
import { lines } from '../db/lines.ts';
import { pages } from '../db/pages.ts';
import { regions } from '../db/regions.ts';
import type { Project } from '../project/project.ts';
import { folderStore, type ProjectStore } from '../project/project-store.ts';
import { regionClass } from '../io/region-class.ts';
import { loadSegmenter, loadSegmenterCheckpoint, saveSegmenter } from '../layout/seg-model-file.ts';
import { finetuneSample, finetuneSegNet } from '../layout/seg-finetune.ts';
import { BUNDLED_SEGMENTER_FILE } from '../layout/segmenters.ts';
import { projectSegmenterFile } from '../layout/project-segmenters.ts';
import { claimJob, createJob, getJob, JobCancelled, updateJob } from './jobs.ts';
import { RESUMABLE_JOB_STATES } from '../../shared/job-states.ts';
import { trainingContext } from './training-context.ts';

/** Where a segmenter job keeps its checkpoint (beside the recognizer jobs' checkpoints/job-<id>.qmodel). */
export const segmenterCheckpointPath = (root: string, jobId: number) => join(root, 'checkpoints', `job-${jobId}.qseg`);

/** Steps between a segmenter job's checkpoints: a step takes seconds, a checkpoint a fraction of one. */
export const SEGMENTER_CHECKPOINT_EVERY = 10;

/** Why a segmenter job has nothing to train on. */
export const NO_CORRECTED_PAGES = 'no corrected pages: a segmenter trains on pages whose every line is transcribed';

/** Scanned pages of documents in the project with lines, every one of them outside excluded regions transcribed. */
export const correctedPageIds = (project: Project): number[] => correctedPages(project.db);

/** A page scaled so its longer side is `pageSize`, with its lines and regions as targets (either store). */
export async function segmenterSample(store: ProjectStore, pageId: number, pageSize: number): Promise<SegSample> {
  const row = await store.run(pages.pageImage(pageId));
  if (!row) throw new Error(`no page ${pageId}`);
  const { data, info } = await grayPage(store, row.image_hash);
  const page = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  const pageLines = await store.run(lines.linesWithRegionType(pageId));
  const pageRegions = await store.run(regions.regionTypes(pageId));
  return finetuneSample(
    page,
    pageLines.map((l) => ({
      polygon: JSON.parse(l.polygon),
      baseline: l.baseline ? JSON.parse(l.baseline) : null,
      region: regionClass(l.type ?? undefined),
    })),
    pageRegions.map((r) => ({ polygon: JSON.parse(r.polygon), region: regionClass(r.type) })),
    pageSize,
  );
}

export interface SegmenterRunOptions {
  /** The model to start from: a .qseg file. */
  from: string;
  steps: number;
  batchSize?: number;
  /** Side of the training crops (a multiple of the network's stride). */
  crop?: number;
  learningRate?: number;
  seed?: number;
  /** Where to write the model. */
  out: string;
  /** Training threads; default the machine's (defaultTrainingThreads). */
  threads?: number;
  onStep?: (step: number, loss: number, jobId: number) => void;
  /** Stops training: JobCancelled is thrown, no model written. */
  signal?: AbortSignal;
}

export interface SegmenterTrainingResult {
  jobId: number;
  file: string;
  pages: number;
  losses: number[];
}

/**
 * Trains the job's segmenter on the store's corrected pages and writes it to `o.out`, whole
 * or not at all ("Find lines" and the segmenter lists take a job-<id>.qseg there for
 * finished, and a queue worker for written). Writes the job's progress and log, not its state.
 */
export async function runSegmenterJob(store: ProjectStore, jobId: number, o: SegmenterRunOptions): Promise<SegmenterTrainingResult> {
  const stopped = () => {
    if (o.signal?.aborted) throw new JobCancelled(`segmenter job ${jobId} cancelled`);
  };
  // Progress comes from a synchronous step callback; a store's writes answer promises (in order, trainingContext).
  const ctx = trainingContext(store, jobId, {});
  try {
    const pageIds = await store.run(dataset.correctedPageIds());
    if (pageIds.length === 0) throw new Error(NO_CORRECTED_PAGES);
    await initBackend();
    const checkpoint = segmenterCheckpointPath(store.root, jobId);
    const saved = existsSync(checkpoint) ? loadSegmenterCheckpoint(checkpoint) : undefined;
    const model = saved ?? loadSegmenter(o.from);
    if (saved) ctx.write({ log: `resumed at step ${saved.state.step} (its checkpoint)` });
    const samples: SegSample[] = [];
    try {
      for (const id of pageIds) {
        stopped();
        samples.push(await segmenterSample(store, id, model.header.pageSize));
      }
      const losses = await finetuneSegNet(model.net, samples, {
        steps: o.steps,
        batchSize: o.batchSize,
        crop: o.crop,
        learningRate: o.learningRate,
        seed: o.seed,
        threads: o.threads ?? defaultTrainingThreads(),
        signal: o.signal,
        onStep: (step, loss) => {
          o.onStep?.(step, loss, jobId);
          ctx.write({ progress: { step: step + 1, steps: o.steps, loss } });
        },
        resume: saved?.state,
        checkpointEvery: SEGMENTER_CHECKPOINT_EVERY,
        onCheckpoint: (state) => {
          mkdirSync(dirname(checkpoint), { recursive: true });
          saveSegmenter(checkpoint, model.net, model.header.pageSize, model.header.metrics, state);
        },
      });
      // trainSegNet returns early when the signal aborts, after its checkpoint: a part-trained model is not kept.
      stopped();
      const tail = losses.slice(-Math.min(10, losses.length));
      const finalLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
      mkdirSync(dirname(o.out), { recursive: true });
      // Written atomically (tensor-file.ts: a temporary file, renamed into place).
      saveSegmenter(o.out, model.net, model.header.pageSize, {
        ...model.header.metrics,
        finetuned: { from: o.from, pages: pageIds.length, steps: losses.length, finalLoss },
      });
      rmSync(checkpoint, { force: true });
      // The pages go with the last progress: the "Find lines" menu describes the model by them.
      ctx.write({
        progress: { step: losses.length, steps: o.steps, loss: finalLoss, pages: pageIds.length, file: o.out },
        log: `segmenter fine-tuned on ${pageIds.length} corrected page(s), ${losses.length} steps, written to ${o.out}`,
      });
      await ctx.flush();
      return { jobId, file: o.out, pages: pageIds.length, losses };
    } finally {
      model.net.dispose();
      tf.dispose([...(saved?.state.optimizer?.values() ?? [])]);
    }
  } finally {
    await ctx.flush().catch(() => {});
  }
}

export interface SegmenterTrainingOptions extends Omit<SegmenterRunOptions, 'from' | 'out'> {
  /** The model to start from: a .qseg file; default the bundled segmenter. */
  from?: string;
  /** Where to write the model; default <project>/segmenters/job-<id>.qseg. */
  out?: string;
  /** A queued job row to run (the app's runner made it) instead of a new one. */
  jobId?: number;
}

/** The desktop's run on a project folder: the job's row made or taken, and its state recorded here. */
export async function trainProjectSegmenter(project: Project, o: SegmenterTrainingOptions): Promise<SegmenterTrainingResult> {
  const from = o.from ?? BUNDLED_SEGMENTER_FILE;
  const job =
    o.jobId !== undefined
      ? getJob(project, o.jobId)
      : createJob(project, 'segment', {
          task: 'finetune-segmenter',
          from,
          steps: o.steps,
          batchSize: o.batchSize,
          crop: o.crop,
          learningRate: o.learningRate,
          seed: o.seed,
        });
  // Claimed, never overwritten: a cancel or another resume that came first stands (JobNotClaimed).
  if (o.jobId !== undefined) claimJob(project, job.id, ['queued', ...RESUMABLE_JOB_STATES]);
  try {
    const result = await runSegmenterJob(folderStore(project), job.id, {
      ...o,
      from,
      out: o.out ?? projectSegmenterFile(project, job.id),
    });
    updateJob(project, job.id, { state: 'done' });
    return result;
  } catch (error) {
    if (error instanceof JobCancelled)
      updateJob(project, job.id, { state: 'cancelled', log: 'cancelled; no model written yet (Resume continues from its checkpoint)' });
    else updateJob(project, job.id, { state: 'failed', error: (error as Error).message });
    throw error;
  }
}
