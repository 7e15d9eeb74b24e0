// SeqCLR pretraining of the recognizer's encoder on unlabeled lines: two augmented views of
// every line, encoder features (visual V or contextual H), projection head, instance
// mapping, NT-Xent. Only the encoder is kept; the CTC head is untouched and the
// projection head is thrown away. The loop (schedule, Adam, clipping, checkpoints, resume,
// cancel, progress) is training-loop.ts's, the same as supervised training's.
import * as tf from '@tensorflow/tfjs';
import { BatchReader, type LineSource } from '../data.ts';
import { makeBatch, type LineTensor } from '../line-image.ts';
import { frameMask, framesFor, visualFeatureSize, widthStride, type Part, type Recognizer } from '../model.ts';
import { Rng } from '../random.ts';
import { DEFAULT_LOOP_OPTIONS, runTrainingLoop, type LoopOptions } from '../training-loop.ts';
import { augmentView, PIPELINES, type PipelineName } from './augment.ts';
import { contrastiveStep } from './contrastive-pool.ts';
import { dealViews, viewSeed } from './contrastive-shard.ts';
import { ProjectionHead, type HeadKind } from './heads.ts';
import { mapInstances, type Mapping } from './instances.ts';
import { ntXent } from './ntxent.ts';
import type { FeatureKind } from '../../../shared/pretraining-options.ts';
import { TRAINING_DEFAULTS } from '../../../shared/training-defaults.ts';

export interface PretrainOptions extends LoopOptions {
  /** Contrast visual features V or contextual features H (the paper prefers H for CTC). */
  features: FeatureKind;
  head: HeadKind;
  headSize: number;
  mapping: Mapping;
  temperature: number;
  /** Which augmentation pipeline makes the two views (augment.ts). */
  augmentations: PipelineName;
  /** Multiplies the probability of each augmentation (pipelines that apply each with a probability). */
  augmentStrength: number;
  onProgress?: (p: { step: number; steps: number; loss: number; linesPerSecond: number; etaSeconds: number }) => void;
  /**
   * Above 1 (wasm, cpu backends) the views are dealt to the worker pool (contrastive-pool.ts).
   * Each thread draws its own dropout masks, so a run's numbers depend on the thread count
   * (with dropout off they agree to float rounding).
   */
  threads: number;
}

export const DEFAULT_PRETRAIN_OPTIONS: PretrainOptions = {
  ...DEFAULT_LOOP_OPTIONS,
  features: 'contextual',
  head: 'mlp',
  headSize: 128,
  mapping: { kind: 'window', instances: TRAINING_DEFAULTS.instances },
  temperature: 0.1,
  augmentations: 'mild',
  augmentStrength: 1,
};

/** The encoder parts that pretraining updates. */
export const encoderParts = (features: PretrainOptions['features']): Part[] => (features === 'visual' ? ['conv'] : ['conv', 'rnn']);

export async function pretrain(model: Recognizer, lines: LineSource, options: Partial<PretrainOptions> = {}) {
  const o = { ...DEFAULT_PRETRAIN_OPTIONS, ...options };
  const encoder = model.variables(encoderParts(o.features));
  const featureSize = o.features === 'visual' ? visualFeatureSize(model.config) : 2 * model.config.lstmUnits;
  const head = new ProjectionHead(o.head, featureSize, o.head === 'none' ? featureSize : o.headSize, o.seed);
  for (const [k, v] of o.resume?.extraWeights ?? []) {
    const w = head.weights.get(k);
    if (!w || w.shape.join() !== v.shape.join()) throw new Error(`checkpoint's projection head does not fit this run (${k})`);
    w.assign(v);
  }
  const variables = [...encoder, ...head.variables()];
  const names = new Map(
    [...model.weights.entries(), ...[...head.weights.entries()].map(([k, v]) => [`head/${k}`, v] as const)].map(([k, v]) => [v.name, k]),
  );
  // Worker-side names of the variables: the model's weight names, head/<name> for the head's.
  const keys = variables.map((v) => names.get(v.name)!);
  const reader = new BatchReader(lines, o.batchSize, o.seed);
  const { status, state } = await runTrainingLoop(
    {
      variables,
      names,
      pool: { replica: { kind: 'recognizer', config: model.config }, maxThreads: 2 * o.batchSize },
      async step({ step, pool, threads }) {
        const batch = reader.batch(step).map((s) => s.image);
        const dropoutSeed = o.seed * 1_000_003 + step;
        if (pool) {
          const dealt = dealViews(batch, threads, {
            seed: o.seed,
            step,
            pipeline: o.augmentations,
            strength: o.augmentStrength,
            features: o.features,
            mapping: o.mapping,
            dropoutSeed,
          });
          const { loss, grads } = await contrastiveStep(pool, model, head, variables, keys, { ...dealt, temperature: o.temperature });
          return { loss, grads, lines: batch.length };
        }
        // View v of line n gets its own seeded generator: resume repeats the same views.
        const views = [0, 1].flatMap((v) =>
          batch.map((img, n) => augmentView(img, new Rng(viewSeed(o.seed, step, n, v)), o.augmentStrength, PIPELINES[o.augmentations])),
        );
        const { value, grads } = contrastiveTape(model, head, views, variables, { ...o, dropoutSeed });
        const loss = (await value.data())[0];
        value.dispose();
        return { loss, grads, lines: batch.length };
      },
      checkpointExtras: () => ({ extraWeights: head.weights }),
      onProgress: ({ step, steps, loss, linesPerSecond, etaSeconds }) => o.onProgress?.({ step, steps, loss, linesPerSecond, etaSeconds }),
    },
    o,
  );
  return { status: status as 'done' | 'cancelled', state, head };
}

/**
 * The one-thread contrastive step: one tape over all 2N views (the first N lines' first views,
 * then their second views), NT-Xent between view pairs. The worker pool's path
 * (contrastive-pool.ts) must give the same loss and gradients.
 */
export function contrastiveTape(
  model: Recognizer,
  head: ProjectionHead,
  views: LineTensor[],
  variables: tf.Variable[],
  o: { features: FeatureKind; mapping: Mapping; temperature: number; dropoutSeed: number },
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const stride = widthStride(model.config);
  const input = makeBatch(views, stride);
  const T = input.shape[2] / stride;
  const lengths = input.widths.map((w) => Math.max(1, Math.min(T, framesFor(Math.ceil(w / stride) * stride, model.config))));
  const images = tf.tensor4d(input.images, input.shape);
  const mask = frameMask(lengths, T);
  try {
    return tf.variableGrads(() => {
      const v = model.visual(images);
      const r = o.features === 'visual' ? v : model.contextual(v, mask, o.dropoutSeed);
      const z = mapInstances(head.apply(r, mask), lengths, o.mapping);
      const M = z.shape[0] / 2;
      return ntXent(tf.slice(z, [0, 0], [M, -1]) as tf.Tensor2D, tf.slice(z, [M, 0], [M, -1]) as tf.Tensor2D, o.temperature);
    }, variables);
  } finally {
    tf.dispose([images, mask]);
  }
}
