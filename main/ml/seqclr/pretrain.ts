// SeqCLR pretraining of the recognizer's encoder on unlabeled lines: two augmented views of
// every line, encoder features (visual V or contextual H), projection head, instance
// mapping, NT-Xent. Only the encoder is kept; the CTC head is untouched and the
// projection head is thrown away. Same schedule, clipping and resume as supervised training.
import * as tf from '@tensorflow/tfjs';
import { batchIndices, type LineSource } from '../data.ts';
import { makeBatch, type LineTensor } from '../line-image.ts';
import { frameMask, framesFor, visualFeatureSize, widthStride, type Part, type Recognizer } from '../model.ts';
import { clipByGlobalNorm, learningRateAt, restoreOptimizer, snapshotOptimizer, yieldToEventLoop, type OptimOptions } from '../optim.ts';
import { Rng } from '../random.ts';
import type { TrainingCheckpointState } from '../checkpoint.ts';
import { currentBackend } from '../backend.ts';
import { ParallelGradients } from '../parallel.ts';
import { augmentView, PIPELINES, type PipelineName } from './augment.ts';
import { contrastiveStep } from './contrastive-pool.ts';
import { dealViews, viewSeed } from './contrastive-shard.ts';
import { ProjectionHead, type HeadKind } from './heads.ts';
import { mapInstances, type Mapping } from './instances.ts';
import { ntXent } from './ntxent.ts';
import type { FeatureKind } from '../../../shared/pretraining-options.ts';
import { TRAINING_DEFAULTS } from '../../../shared/training-defaults.ts';

export interface PretrainOptions extends OptimOptions {
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
  signal?: AbortSignal;
  onProgress?: (p: { step: number; steps: number; loss: number; linesPerSecond: number; etaSeconds: number }) => void;
  checkpointEvery: number;
  onCheckpoint?: (state: TrainingCheckpointState) => void | Promise<void>;
  resume?: TrainingCheckpointState;
  /**
   * CPU threads (wasm, cpu backends): above 1 the views are dealt to a worker pool
   * (contrastive-pool.ts). Each thread draws its own dropout masks, so a run's numbers
   * depend on the thread count (with dropout off they agree to float rounding).
   */
  threads: number;
}

export const DEFAULT_PRETRAIN_OPTIONS: PretrainOptions = {
  steps: TRAINING_DEFAULTS.steps,
  batchSize: TRAINING_DEFAULTS.batchSize,
  learningRate: 1e-3,
  warmupSteps: 100,
  clipNorm: 5,
  seed: TRAINING_DEFAULTS.seed,
  features: 'contextual',
  head: 'mlp',
  headSize: 128,
  mapping: { kind: 'window', instances: TRAINING_DEFAULTS.instances },
  temperature: 0.1,
  augmentations: 'mild',
  augmentStrength: 1,
  checkpointEvery: TRAINING_DEFAULTS.checkpointEvery,
  threads: 1,
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
  const optimizer = tf.train.adam(o.learningRate);
  const state: TrainingCheckpointState = o.resume
    ? { ...o.resume, history: [...o.resume.history] }
    : { step: 0, bestCer: null, sinceBest: 0, history: [] };
  if (o.resume?.optimizer) await restoreOptimizer(optimizer, variables, names, o.resume.optimizer);
  const stride = widthStride(model.config);
  const cache = new Map<number, LineTensor>();
  const imageAt = (i: number) => {
    let img = cache.get(i);
    if (!img) {
      img = lines.get(i).image;
      cache.set(i, img);
    }
    return img;
  };
  const checkpoint = async () =>
    o.onCheckpoint?.({
      ...state,
      optimizer: await snapshotOptimizer(optimizer, names),
      extraWeights: new Map([...head.weights].map(([k, v]) => [k, tf.clone(v)])),
    });
  const started = performance.now();
  const firstStep = state.step;
  const backend = currentBackend()?.name ?? 'cpu';
  const threads = backend === 'wasm' || backend === 'cpu' ? Math.max(1, Math.min(o.threads, 2 * o.batchSize)) : 1;
  let pool: ParallelGradients | undefined;
  // Worker-side names of the variables: the model's weight names, head/<name> for the head's.
  const keys = variables.map((v) => names.get(v.name)!);
  try {
    if (threads > 1) pool = await ParallelGradients.start(model, backend, threads);
    while (state.step < o.steps) {
      await yieldToEventLoop();
      if (o.signal?.aborted) {
        await checkpoint();
        return { status: 'cancelled' as const, state, head };
      }
      const step = state.step;
      if (!Number.isFinite(lines.size) && step % 8 === 0) cache.clear();
      const batch = batchIndices(lines, o.batchSize, o.seed, step, (i) => imageAt(i).width).map(imageAt);
      const N = batch.length;
      (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(step, o);
      const dropoutSeed = o.seed * 1_000_003 + step;
      let value: tf.Scalar | number;
      let grads: tf.NamedTensorMap;
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
        ({ loss: value, grads } = await contrastiveStep(pool, model, head, variables, keys, { ...dealt, temperature: o.temperature }));
      } else {
        // View v of line n gets its own seeded generator: resume repeats the same views.
        const views = [0, 1].flatMap((v) =>
          batch.map((img, n) => augmentView(img, new Rng(viewSeed(o.seed, step, n, v)), o.augmentStrength, PIPELINES[o.augmentations])),
        );
        const input = makeBatch(views, stride);
        const T = input.shape[2] / stride;
        const lengths = input.widths.map((w) => Math.max(1, Math.min(T, framesFor(Math.ceil(w / stride) * stride, model.config))));
        const images = tf.tensor4d(input.images, input.shape);
        const mask = frameMask(lengths, T);
        ({ value, grads } = tf.variableGrads(() => {
          const v = model.visual(images);
          const r = o.features === 'visual' ? v : model.contextual(v, mask, dropoutSeed);
          const z = mapInstances(head.apply(r, mask), lengths, o.mapping);
          const M = z.shape[0] / 2;
          return ntXent(tf.slice(z, [0, 0], [M, -1]) as tf.Tensor2D, tf.slice(z, [M, 0], [M, -1]) as tf.Tensor2D, o.temperature);
        }, variables));
        tf.dispose([images, mask]);
      }
      const clipped = clipByGlobalNorm(grads, o.clipNorm);
      // In the order of `variables`: Adam keeps its moments by position, and a checkpoint
      // restores them in that order.
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: clipped[v.name] })));
      const loss = typeof value === 'number' ? value : (await value.data())[0];
      tf.dispose([...(typeof value === 'number' ? [] : [value]), grads, clipped]);
      state.step = step + 1;
      state.history.push({ step: state.step, loss });
      const elapsed = (performance.now() - started) / 1000;
      const done = state.step - firstStep;
      o.onProgress?.({
        step: state.step,
        steps: o.steps,
        loss,
        linesPerSecond: (done * N) / elapsed,
        etaSeconds: ((o.steps - state.step) * elapsed) / done,
      });
      if (o.checkpointEvery > 0 && state.step % o.checkpointEvery === 0) await checkpoint();
    }
    return { status: 'done' as const, state, head };
  } finally {
    optimizer.dispose();
    await pool?.stop();
  }
}
