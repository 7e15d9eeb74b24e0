// Fine-tuning a segmentation model on a project's corrected pages: pages whose every line
// outside excluded regions carries a transcription. A person has been through such a page
// line by line, so its lines (all of them, excluded regions' too: they are lines all the
// same) are its true lines. Each page is scaled to the model's page size with its lines,
// baselines and regions rasterised as targets (seg-targets.ts); the model (the bundled one
// unless another .qseg is named) trains on random crops of them (seg-train.ts) and is written
// to <project>/segmenters/job-<id>.qseg, for `quire segment --model FILE` and the app's "Find
// lines" menu (layout/project-segmenters.ts). The run is a job row (kind "segment"), like
// recognizer training; it runs in the calling thread: the CLI's, or the app's job worker,
// which passes the row its runner queued. It keeps no checkpoints, so it is never resumed.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '../ml/backend.ts';
import type { SegSample } from '../ml/seg-train.ts';
import { defaultTrainingThreads } from '../ml/parallel.ts';
import { grayPage } from '../project/line-images.ts';
import { correctedPageIds as correctedPages } from '../db/dataset.ts';
import { linesWithRegionType } from '../db/lines.ts';
import { pageImage } from '../db/pages.ts';
import { regionTypes } from '../db/regions.ts';
import type { Project } from '../project/project.ts';
import { regionClass } from '../io/region-class.ts';
import { loadSegmenter, saveSegmenter } from '../layout/seg-model-file.ts';
import { finetuneSample, finetuneSegNet } from '../layout/seg-finetune.ts';
import { BUNDLED_SEGMENTER_FILE } from '../layout/segmenters.ts';
import { projectSegmenterFile } from '../layout/project-segmenters.ts';
import { createJob, getJob, JobCancelled, updateJob } from './jobs.ts';

/** Why a segmenter job cannot be resumed (the runner and resumeJob refuse it alike). */
export const notResumable = (jobId: number) =>
  new Error(
    `job ${jobId} fine-tuned a segmenter, which cannot be resumed (it keeps no checkpoints): start a new one in the Training panel or run \`quire train-segmenter\` again`,
  );

/** Scanned pages of finished documents with lines, every one of them outside excluded regions transcribed. */
export const correctedPageIds = (project: Project): number[] => correctedPages(project.db);

/** A page scaled so its longer side is `pageSize`, with its lines and regions as targets. */
export async function segmenterSample(project: Project, pageId: number, pageSize: number): Promise<SegSample> {
  const db = project.db;
  const { image_hash: hash } = pageImage(db, pageId)!;
  const { data, info } = await grayPage(project, hash);
  const page = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  return finetuneSample(
    page,
    linesWithRegionType(db, pageId).map((l) => ({
      polygon: JSON.parse(l.polygon),
      baseline: l.baseline ? JSON.parse(l.baseline) : null,
      region: regionClass(l.type ?? undefined),
    })),
    regionTypes(db, pageId).map((r) => ({ polygon: JSON.parse(r.polygon), region: regionClass(r.type) })),
    pageSize,
  );
}

export interface SegmenterTrainingOptions {
  /** The model to start from: a .qseg file; default the bundled segmenter. */
  from?: string;
  steps: number;
  batchSize?: number;
  /** Side of the training crops (a multiple of the network's stride). */
  crop?: number;
  learningRate?: number;
  seed?: number;
  /** Where to write the model; default <project>/segmenters/job-<id>.qseg. */
  out?: string;
  onStep?: (step: number, loss: number, jobId: number) => void;
  /** Stops training: the job ends cancelled, writing no model. */
  signal?: AbortSignal;
  /** A queued job row to run (the app's runner made it) instead of a new one. */
  jobId?: number;
}

export interface SegmenterTrainingResult {
  jobId: number;
  file: string;
  pages: number;
  losses: number[];
}

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
  if (o.jobId !== undefined) updateJob(project, job.id, { state: 'running' });
  const stopped = () => {
    if (o.signal?.aborted) throw new JobCancelled(`segmenter job ${job.id} cancelled`);
  };
  try {
    const pages = correctedPageIds(project);
    if (pages.length === 0) throw new Error('no corrected pages: a segmenter trains on pages whose every line is transcribed');
    await initBackend();
    const model = loadSegmenter(from);
    const samples: SegSample[] = [];
    for (const id of pages) {
      stopped();
      samples.push(await segmenterSample(project, id, model.header.pageSize));
    }
    const losses = await finetuneSegNet(model.net, samples, {
      steps: o.steps,
      batchSize: o.batchSize,
      crop: o.crop,
      learningRate: o.learningRate,
      seed: o.seed,
      threads: defaultTrainingThreads(),
      signal: o.signal,
      onStep: (step, loss) => {
        o.onStep?.(step, loss, job.id);
        updateJob(project, job.id, { progress: { step: step + 1, steps: o.steps, loss } });
      },
    });
    // trainSegNet returns early when the signal aborts: a part-trained model is not kept.
    if (o.signal?.aborted) {
      model.net.dispose();
      stopped();
    }
    const file = o.out ?? projectSegmenterFile(project, job.id);
    mkdirSync(dirname(file), { recursive: true });
    const tail = losses.slice(-Math.min(10, losses.length));
    const finalLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
    saveSegmenter(file, model.net, model.header.pageSize, {
      ...model.header.metrics,
      finetuned: { from, pages: pages.length, steps: losses.length, finalLoss },
    });
    model.net.dispose();
    // The pages go with the last progress: the "Find lines" menu describes the model by them.
    updateJob(project, job.id, {
      state: 'done',
      progress: { step: losses.length, steps: o.steps, loss: finalLoss, pages: pages.length, file },
      log: `segmenter fine-tuned on ${pages.length} corrected page(s), ${losses.length} steps, written to ${file}`,
    });
    return { jobId: job.id, file, pages: pages.length, losses };
  } catch (error) {
    if (error instanceof JobCancelled)
      updateJob(project, job.id, { state: 'cancelled', log: 'cancelled; no model written (run it again to fine-tune)' });
    else updateJob(project, job.id, { state: 'failed', error: (error as Error).message });
    throw error;
  }
}
