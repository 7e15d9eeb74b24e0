// Training of the segmentation network on pages with targets (main/layout/seg-targets.ts):
// random crops of downscaled pages, a class-weighted logistic loss per map, in the training
// loop of the recognizer (training-loop.ts: Adam with warm-up and cosine decay, global-norm
// clipping, cancel). Batches are a pure function of (seed, step), so a run is reproducible.
// Pure: pages come in as arrays.
import { Rng } from './random.ts';
import { SegNet, segStride } from './seg-net.ts';
import { segShardGradients, splitSegBatch } from './seg-gradients.ts';
import { DEFAULT_LOOP_OPTIONS, runTrainingLoop, type LoopOptions } from './training-loop.ts';
import type { TrainingCheckpointState } from './training-state.ts';

export interface SegSample {
  width: number;
  height: number;
  /** Grayscale page, 0 black … 255 white. */
  image: Uint8Array;
  /** One byte per pixel, one bit per output map. */
  targets: Uint8Array;
}

export interface SegTrainOptions {
  steps: number;
  batchSize: number;
  /** Side of the square training crops; a multiple of the network's stride. */
  crop: number;
  learningRate: number;
  warmupSteps: number;
  clipNorm: number;
  seed: number;
  /** Loss weight of a positive pixel, per map: baselines are thin, so they weigh more. */
  positiveWeight: number[];
  /**
   * Range of the random scale of each crop ([1, 1]: none). Pages reach the network scaled to
   * one size, so the writing's size relative to the page varies between archives; scaling the
   * crops teaches the network lines smaller and larger than its training pages hold.
   */
  scale: [number, number];
  /** Threads computing the batch's gradient (data-parallel shards of whole crops: seg-gradients.ts on parallel.ts's pool). */
  threads: number;
  signal?: AbortSignal;
  onStep?: (step: number, loss: number, learningRate: number) => void | Promise<void>;
  /** Steps between calls of onCheckpoint (0: none but the one at cancel); as training-loop.ts's. */
  checkpointEvery?: number;
  onCheckpoint?: LoopOptions['onCheckpoint'];
  /** Continue from a checkpoint's state (same pages, seed and threads: the same batches follow). */
  resume?: TrainingCheckpointState;
}

export const DEFAULT_SEG_TRAIN: Omit<SegTrainOptions, 'steps'> = {
  batchSize: 4,
  crop: 288,
  learningRate: 2e-3,
  warmupSteps: 50,
  clipNorm: DEFAULT_LOOP_OPTIONS.clipNorm,
  seed: DEFAULT_LOOP_OPTIONS.seed,
  positiveWeight: [6, 1.5, 1, 2],
  scale: [1, 1],
  threads: 1,
};

/** Per-page contrast normalisation shared with inference: ink positive, paper near zero. */
export function pageStats(image: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (let k = 0; k < image.length; k++) {
    const v = image[k];
    s += v;
    s2 += v * v;
  }
  const mean = s / Math.max(1, image.length);
  return { mean, std: Math.sqrt(Math.max(1, s2 / Math.max(1, image.length) - mean * mean)) };
}

/** A batch of random crops; pages smaller than the crop are padded with paper (0 after normalising). */
export function makeSegBatch(
  samples: SegSample[],
  stats: Array<{ mean: number; std: number }>,
  o: Pick<SegTrainOptions, 'batchSize' | 'crop' | 'seed'> & Partial<Pick<SegTrainOptions, 'scale'>>,
  step: number,
  maps: number,
) {
  const rng = new Rng(o.seed * 1_000_003 + step);
  const C = o.crop;
  const [minScale, maxScale] = o.scale ?? [1, 1];
  const input = new Float32Array(o.batchSize * C * C);
  const target = new Float32Array(o.batchSize * C * C * maps);
  for (let b = 0; b < o.batchSize; b++) {
    const i = rng.int(0, samples.length);
    const s = samples[i];
    const { mean, std } = stats[i];
    // Without scaling the random draws are the ones of earlier runs, so those stay reproducible.
    const scale = minScale === 1 && maxScale === 1 ? 1 : Math.exp(rng.uniform(Math.log(minScale), Math.log(maxScale)));
    const window = Math.round(C / scale);
    const x0 = rng.int(0, Math.max(1, s.width - window + 1));
    const y0 = rng.int(0, Math.max(1, s.height - window + 1));
    // Light photometric augmentation: contrast and brightness of the scan vary between archives.
    const gain = rng.uniform(0.8, 1.25);
    const shift = rng.uniform(-0.2, 0.2);
    for (let y = 0; y < C; y++) {
      // Source row of this crop row (nearest for the targets; the image is sampled bilinearly).
      const sy = y0 + (y + 0.5) / scale - 0.5;
      const row = Math.round(sy);
      if (row >= s.height) break;
      for (let x = 0; x < C; x++) {
        const sx = x0 + (x + 0.5) / scale - 0.5;
        const col = Math.round(sx);
        if (col >= s.width) break;
        const dst = b * C * C + y * C + x;
        const gray = scale === 1 ? s.image[row * s.width + col] : bilinear(s, sx, sy);
        input[dst] = ((mean - gray) / std) * gain + shift;
        const bits = s.targets[row * s.width + col];
        for (let m = 0; m < maps; m++) target[dst * maps + m] = (bits >> m) & 1;
      }
    }
  }
  return { input, target };
}

function bilinear(s: SegSample, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), s.width - 1);
  const cy = Math.min(Math.max(y, 0), s.height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, s.width - 1);
  const y1 = Math.min(y0 + 1, s.height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const at = (xx: number, yy: number) => s.image[yy * s.width + xx];
  return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}

/** Trains in place (in training-loop.ts's loop); returns the loss of every step, those before a resume included. */
export async function trainSegNet(
  net: SegNet,
  samples: SegSample[],
  options: Partial<SegTrainOptions> & { steps: number },
): Promise<number[]> {
  const o: SegTrainOptions = { ...DEFAULT_SEG_TRAIN, ...options };
  if (o.crop % segStride(net.config) !== 0)
    throw new Error(`crop ${o.crop} is not a multiple of the network stride ${segStride(net.config)}`);
  if (samples.length === 0) throw new Error('no training pages');
  const maps = net.config.outputs;
  const stats = samples.map((s) => pageStats(s.image));
  const { state } = await runTrainingLoop(
    {
      variables: net.variables,
      names: new Map([...net.weights].map(([k, v]) => [v.name, k])),
      // Each thread takes whole crops of the batch.
      pool: { replica: { kind: 'segmenter', config: net.config }, maxThreads: o.batchSize },
      async step({ step, pool, threads }) {
        const { input, target } = makeSegBatch(samples, stats, o, step, maps);
        const whole = { input, target, batch: o.batchSize, crop: o.crop, positiveWeight: o.positiveWeight };
        if (pool) return { ...(await pool.computeSeg(net, splitSegBatch(whole, maps, threads))), lines: o.batchSize };
        const { value, grads } = segShardGradients(net, { ...whole, scale: 1 });
        const loss = (await value.data())[0];
        value.dispose();
        return { loss, grads, lines: o.batchSize };
      },
      onProgress: (p) => o.onStep?.(p.step - 1, p.loss, p.learningRate),
    },
    { ...o, checkpointEvery: o.checkpointEvery ?? 0 },
  );
  return state.history.map((h) => h.loss);
}
