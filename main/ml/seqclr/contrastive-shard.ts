// One shard of a SeqCLR batch, the unit of work of data-parallel pretraining (pool.ts):
// some of the batch's augmented views, made where the shard is computed (so augmentation
// runs on every thread too), and their contrastive instances z. NT-Xent couples every
// instance of the batch (the other lines are the negatives), so the loss does not split
// into per-shard losses as CTC does. Instead (two passes, as shardGradientsAsync):
//   1. every shard computes its instances z (no tape);
//   2. the main thread gathers all z, computes NT-Xent and G = dL/dz;
//   3. every shard differentiates Σ z·G over its own views (the same views, the same
//      dropout seed, hence the same z), and the gradients are summed.
// Σ_shards ∂(Σ z_s·G_s)/∂θ = Σ_s (∂z_s/∂θ)ᵀ G_s = ∂L/∂θ: the batch's gradient, for one
// more forward pass per shard.
import * as tf from '@tensorflow/tfjs';
import type { FeatureKind } from '../../../shared/pretraining-options.ts';
import { makeBatch, type LineTensor } from '../line-image.ts';
import { frameMask, framesFor, widthStride, type Recognizer } from '../model.ts';
import { Rng } from '../random.ts';
import { augmentView, PIPELINES, type PipelineName } from './augment.ts';
import type { ProjectionHead } from './heads.ts';
import { mapInstances, type Mapping } from './instances.ts';

/** What a shard needs, as plain data (posted to workers). */
export interface ContrastiveShardInput {
  /** The original lines of the shard's views, one per view. */
  lines: LineTensor[];
  /** Each view's generator seed: the same seed gives the same view on any thread. */
  viewSeeds: number[];
  pipeline: PipelineName;
  strength: number;
  features: FeatureKind;
  mapping: Mapping;
  dropoutSeed: number;
}

/**
 * The batch's 2N views (view 0 of every line, then view 1, as the one-thread path orders
 * them) dealt round-robin to `threads` shards; `views[s]` lists shard s's view indices.
 */
export function dealViews(
  batch: LineTensor[],
  threads: number,
  o: { seed: number; step: number; pipeline: PipelineName; strength: number; features: FeatureKind; mapping: Mapping; dropoutSeed: number },
): { shards: ContrastiveShardInput[]; views: number[][] } {
  const N = batch.length;
  const views = Array.from({ length: Math.min(threads, 2 * N) }, (_, s) => [...Array(2 * N).keys()].filter((g) => g % threads === s));
  const shards = views.map((indices, s): ContrastiveShardInput => ({
    lines: indices.map((g) => batch[g % N]),
    viewSeeds: indices.map((g) => viewSeed(o.seed, o.step, g % N, Math.floor(g / N))),
    pipeline: o.pipeline,
    strength: o.strength,
    features: o.features,
    mapping: o.mapping,
    dropoutSeed: o.dropoutSeed * 8 + s,
  }));
  return { shards, views };
}

export interface ShardViews {
  images: tf.Tensor4D;
  mask: tf.Tensor2D;
  lengths: number[];
}

/** The generator seed of view `v` (0 or 1) of the batch's line `n` at `step`. */
export const viewSeed = (seed: number, step: number, n: number, v: number) => (seed * 1_000_003 + step) * 64 + n * 2 + v;

export function shardViews(model: Recognizer, input: ContrastiveShardInput): ShardViews {
  const views = input.lines.map((img, i) => augmentView(img, new Rng(input.viewSeeds[i]), input.strength, PIPELINES[input.pipeline]));
  const stride = widthStride(model.config);
  const batch = makeBatch(views, stride);
  const T = batch.shape[2] / stride;
  const lengths = batch.widths.map((w) => Math.max(1, Math.min(T, framesFor(Math.ceil(w / stride) * stride, model.config))));
  return { images: tf.tensor4d(batch.images, batch.shape), mask: frameMask(lengths, T), lengths };
}

/** The views' contrastive instances [M, F], M by the mapping (rows in view order). */
export function shardInstances(
  model: Recognizer,
  head: ProjectionHead,
  views: ShardViews,
  input: Pick<ContrastiveShardInput, 'features' | 'mapping' | 'dropoutSeed'>,
): tf.Tensor2D {
  return tf.tidy(() => {
    const v = model.visual(views.images);
    const r = input.features === 'visual' ? v : model.contextual(v, views.mask, input.dropoutSeed);
    return mapInstances(head.apply(r, views.mask), views.lengths, input.mapping);
  });
}

/** Pass 3: the gradients of Σ z·G over `variables` (G [M, F] from the whole batch's loss). */
export function shardBackward(
  model: Recognizer,
  head: ProjectionHead,
  views: ShardViews,
  input: ContrastiveShardInput,
  g: tf.Tensor2D,
  variables: tf.Variable[],
): tf.NamedTensorMap {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(shardInstances(model, head, views, input), g)) as tf.Scalar, variables);
  value.dispose();
  return grads;
}

export function disposeViews(views: ShardViews): void {
  tf.dispose([views.images, views.mask]);
}
