// Training of the segmentation network on pages with targets (main/layout/seg-targets.ts):
// random crops of downscaled pages, a class-weighted logistic loss per map, in the training
// loop of the recognizer (training-loop.ts: Adam with warm-up and cosine decay, global-norm
// clipping, cancel). Batches are a pure function of (seed, step), so a run is reproducible.
// Pure: pages come in as arrays.
import * as tf from '@tensorflow/tfjs';
import { Rng } from './random.ts';
import { SegNet, segStride } from './seg-net.ts';
import { DEFAULT_LOOP_OPTIONS, runTrainingLoop } from './training-loop.ts';

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
  signal?: AbortSignal;
  onStep?: (step: number, loss: number, learningRate: number) => void | Promise<void>;
}

export const DEFAULT_SEG_TRAIN: Omit<SegTrainOptions, 'steps'> = {
  batchSize: 4,
  crop: 288,
  learningRate: 2e-3,
  warmupSteps: 50,
  clipNorm: DEFAULT_LOOP_OPTIONS.clipNorm,
  seed: DEFAULT_LOOP_OPTIONS.seed,
  positiveWeight: [6, 1.5, 1, 2],
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
  o: Pick<SegTrainOptions, 'batchSize' | 'crop' | 'seed'>,
  step: number,
  maps: number,
) {
  const rng = new Rng(o.seed * 1_000_003 + step);
  const C = o.crop;
  const input = new Float32Array(o.batchSize * C * C);
  const target = new Float32Array(o.batchSize * C * C * maps);
  for (let b = 0; b < o.batchSize; b++) {
    const i = rng.int(0, samples.length);
    const s = samples[i];
    const { mean, std } = stats[i];
    const x0 = rng.int(0, Math.max(1, s.width - C + 1));
    const y0 = rng.int(0, Math.max(1, s.height - C + 1));
    // Light photometric augmentation: contrast and brightness of the scan vary between archives.
    const gain = rng.uniform(0.8, 1.25);
    const shift = rng.uniform(-0.2, 0.2);
    for (let y = 0; y < Math.min(C, s.height - y0); y++) {
      for (let x = 0; x < Math.min(C, s.width - x0); x++) {
        const src = (y0 + y) * s.width + (x0 + x);
        const dst = b * C * C + y * C + x;
        input[dst] = ((mean - s.image[src]) / std) * gain + shift;
        const bits = s.targets[src];
        for (let m = 0; m < maps; m++) target[dst * maps + m] = (bits >> m) & 1;
      }
    }
  }
  return { input, target };
}

/** Mean weighted logistic loss of logits z against 0/1 targets y; positives of map m weigh w[m]. */
export function segLoss(logits: tf.Tensor4D, target: tf.Tensor4D, positiveWeight: number[]): tf.Scalar {
  return tf.tidy(() => {
    const z = logits;
    const bce = tf.add(tf.sub(tf.relu(z), tf.mul(z, target)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    const w = tf.add(1, tf.mul(target, tf.sub(tf.tensor1d(positiveWeight), 1)));
    return tf.mean(tf.mul(bce, w)) as tf.Scalar;
  });
}

/** Trains in place (in training-loop.ts's loop, one thread, no checkpoints); returns the loss of every step. */
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
      async step({ step }) {
        const { input, target } = makeSegBatch(samples, stats, o, step, maps);
        const x = tf.tensor4d(input, [o.batchSize, o.crop, o.crop, 1]);
        const y = tf.tensor4d(target, [o.batchSize, o.crop, o.crop, maps]);
        const { value, grads } = tf.variableGrads(() => segLoss(net.logits(x), y, o.positiveWeight), net.variables);
        const loss = (await value.data())[0];
        tf.dispose([x, y, value]);
        return { loss, grads, lines: o.batchSize };
      },
      onProgress: (p) => o.onStep?.(p.step - 1, p.loss, p.learningRate),
    },
    { ...o, checkpointEvery: 0, threads: 1 },
  );
  return state.history.map((h) => h.loss);
}
