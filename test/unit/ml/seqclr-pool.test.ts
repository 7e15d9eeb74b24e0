// SeqCLR on the worker pool must compute the batch's contrastive gradient: with dropout
// off, the same loss and gradients as the one-thread tape over the whole batch (to float
// rounding), for each feature kind, head and instance mapping; and a pretraining run on
// two threads must lower the loss as one on one thread does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { ArraySource } from '../../../main/ml/data.ts';
import type { LineTensor } from '../../../main/ml/line-image.ts';
import { Recognizer, visualFeatureSize, type RecognizerConfig } from '../../../main/ml/model.ts';
import { ParallelGradients } from '../../../main/ml/parallel.ts';
import { Rng } from '../../../main/ml/random.ts';
import { augmentView, PIPELINES } from '../../../main/ml/seqclr/augment.ts';
import { contrastiveStep } from '../../../main/ml/seqclr/contrastive-pool.ts';
import { dealViews, viewSeed } from '../../../main/ml/seqclr/contrastive-shard.ts';
import { ProjectionHead, type HeadKind } from '../../../main/ml/seqclr/heads.ts';
import type { Mapping } from '../../../main/ml/seqclr/instances.ts';
import { contrastiveTape, pretrain } from '../../../main/ml/seqclr/pretrain.ts';
import type { FeatureKind } from '../../../shared/pretraining-options.ts';

const backend = await initBackend();
const CONFIG: RecognizerConfig = {
  height: 16,
  conv: [
    { filters: 6, pool: [2, 2] },
    { filters: 8, pool: [2, 1] },
  ],
  lstmUnits: 8,
  lstmLayers: 1,
  dropout: 0,
  classes: 6,
};

function lines(count: number, seed: number): LineTensor[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const width = 40 + Math.floor(rng.next() * 60);
    const data = new Float32Array(CONFIG.height * width);
    for (let i = 0; i < data.length; i++) data[i] = rng.next() < 0.3 ? rng.next() : 0;
    return { width, height: CONFIG.height, data };
  });
}

/** The one-thread path of pretrain(): one tape over all 2N views. */
function reference(
  model: Recognizer,
  head: ProjectionHead,
  batch: LineTensor[],
  variables: tf.Variable[],
  features: FeatureKind,
  mapping: Mapping,
) {
  const views = [0, 1].flatMap((v) => batch.map((img, n) => augmentView(img, new Rng(viewSeed(1, 0, n, v)), 1, PIPELINES.mild)));
  const { value, grads } = contrastiveTape(model, head, views, variables, { features, mapping, temperature: 0.1, dropoutSeed: 7 });
  return { loss: value.dataSync()[0], grads };
}

const cases: Array<[FeatureKind, HeadKind, Mapping]> = [
  ['contextual', 'mlp', { kind: 'window', instances: 3 }],
  ['contextual', 'bilstm', { kind: 'all' }],
  ['visual', 'none', { kind: 'window', instances: 2 }],
];

for (const [features, headKind, mapping] of cases) {
  test(`two threads compute the batch's contrastive gradient: ${features} features, ${headKind} head, ${mapping.kind} mapping`, async () => {
    const model = new Recognizer(CONFIG, 11);
    const featureSize = features === 'visual' ? visualFeatureSize(CONFIG) : 2 * CONFIG.lstmUnits;
    const head = new ProjectionHead(headKind, featureSize, headKind === 'none' ? featureSize : 12, 5);
    const variables = [...model.variables(features === 'visual' ? ['conv'] : ['conv', 'rnn']), ...head.variables()];
    const keyOf = new Map(
      [...model.weights].map(([k, v]) => [v.name, k] as const).concat([...head.weights].map(([k, v]) => [v.name, `head/${k}`] as const)),
    );
    const batch = lines(5, 3);
    const expected = reference(model, head, batch, variables, features, mapping);
    const pool = await ParallelGradients.start({ kind: 'recognizer', config: model.config }, backend.name, 2);
    try {
      const dealt = dealViews(batch, 2, { seed: 1, step: 0, pipeline: 'mild', strength: 1, features, mapping, dropoutSeed: 7 });
      assert.deepEqual(
        dealt.views.map((v) => v.length),
        [5, 5],
      );
      const actual = await contrastiveStep(
        pool,
        model,
        head,
        variables,
        variables.map((v) => keyOf.get(v.name)!),
        { ...dealt, temperature: 0.1 },
      );
      assert.ok(Math.abs(actual.loss - expected.loss) < 1e-4 * Math.max(1, expected.loss), `loss ${actual.loss} vs ${expected.loss}`);
      for (const v of variables) {
        const a = actual.grads[v.name].dataSync();
        const e = expected.grads[v.name].dataSync();
        const scale = Math.max(1e-6, ...Array.from(e, Math.abs));
        const worst = Math.max(...Array.from(a, (x, i) => Math.abs(x - e[i])));
        assert.ok(worst <= 1e-3 * scale, `${keyOf.get(v.name)}: max |Δ| ${worst} against max |g| ${scale}`);
      }
      tf.dispose([actual.grads, expected.grads]);
    } finally {
      await pool.stop();
      model.dispose();
      head.dispose();
    }
  });
}

test('pretraining on two threads lowers the contrastive loss', async () => {
  const model = new Recognizer({ ...CONFIG, dropout: 0.1 }, 2);
  const source = new ArraySource(lines(12, 9).map((image) => ({ image, text: '' })));
  const result = await pretrain(model, source, {
    steps: 24,
    batchSize: 6,
    learningRate: 3e-3,
    warmupSteps: 2,
    headSize: 12,
    threads: 2,
    checkpointEvery: 0,
  });
  const losses = result.state.history.map((h) => h.loss);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(losses.every(Number.isFinite));
  assert.ok(
    mean(losses.slice(-6)) < mean(losses.slice(0, 6)),
    `loss ${mean(losses.slice(0, 6)).toFixed(3)} → ${mean(losses.slice(-6)).toFixed(3)}`,
  );
  result.head.dispose();
  model.dispose();
});
