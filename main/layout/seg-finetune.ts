// The pure part of fine-tuning a segmentation model on corrected pages, shared by the
// project's job (main/jobs/segmenter-training.ts, which reads the pages from the database)
// and the bench that measures what it gives (bench/seg/finetune.ts, which reads them from
// ground-truth files): a full-size page and its true lines become a training sample at the
// model's page size, and the network trains on those with the job's settings. Written once,
// so the bench measures the app's fine-tuning and not a copy of it.
import type { Point } from '../io/layout.ts';
import type { GrayImage } from '../ml/line-image.ts';
import type { SegNet } from '../ml/seg-net.ts';
import { trainSegNet, type SegSample, type SegTrainOptions } from '../ml/seg-train.ts';
import { SEGMENTER_TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';
import { shrinkTo } from './seg-infer.ts';
import { segTargets, type TargetLine, type TargetRegion } from './seg-targets.ts';

/**
 * A page scaled as inference scales it (area average to `pageSize` on the longer side), its
 * lines and regions (in the full page's pixels) rasterised as targets at that size.
 */
export function finetuneSample(page: GrayImage, lines: TargetLine[], regions: TargetRegion[], pageSize: number): SegSample {
  const small = shrinkTo(page, pageSize);
  const sx = small.width / page.width;
  const sy = small.height / page.height;
  const scale = (points: Point[]): Point[] => points.map(([x, y]) => [x * sx, y * sy]);
  const targets = segTargets(
    small.width,
    small.height,
    lines.map((l) => ({ polygon: scale(l.polygon), baseline: l.baseline ? scale(l.baseline) : null, region: l.region })),
    regions.map((r) => ({ polygon: scale(r.polygon), region: r.region })),
  );
  return { width: small.width, height: small.height, image: new Uint8Array(small.data), targets };
}

export interface FinetuneOptions {
  steps: number;
  batchSize?: number;
  /** Side of the training crops (a multiple of the network's stride). */
  crop?: number;
  learningRate?: number;
  seed?: number;
  threads: number;
  signal?: AbortSignal;
  onStep?: (step: number, loss: number, learningRate: number) => void;
  checkpointEvery?: number;
  onCheckpoint?: SegTrainOptions['onCheckpoint'];
  resume?: SegTrainOptions['resume'];
}

/** Trains `net` in place on the samples with the fine-tuning defaults; the loss of every step. */
export function finetuneSegNet(net: SegNet, samples: SegSample[], o: FinetuneOptions): Promise<number[]> {
  const d = SEGMENTER_TRAINING_DEFAULTS;
  return trainSegNet(net, samples, {
    steps: o.steps,
    batchSize: o.batchSize ?? d.batchSize,
    crop: o.crop ?? d.crop,
    learningRate: o.learningRate ?? d.learningRate,
    warmupSteps: Math.min(20, Math.floor(o.steps / 5)),
    seed: o.seed ?? 1,
    threads: o.threads,
    signal: o.signal,
    onStep: o.onStep,
    checkpointEvery: o.checkpointEvery,
    onCheckpoint: o.onCheckpoint,
    resume: o.resume,
  });
}
