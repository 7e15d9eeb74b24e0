// A line's loss weight (Sample.weight, used for self-training's pseudo-labels) must scale
// exactly that line's loss and gradient, on the main thread and through a worker thread,
// and leave the other lines of the batch untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import type { Sample } from '../../../main/ml/data.ts';
import { shardGradients, shardInput } from '../../../main/ml/gradients.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { ParallelGradients } from '../../../main/ml/parallel.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';

const backend = await initBackend();
const codec = tinyCodec();
const model = new Recognizer({ ...TINY, dropout: 0, classes: codec.classes }, 4);
const variables = model.variables();
const [a, b] = tinyLines(2, 13).sort((x, y) => x.image.width - y.image.width);

function gradients(samples: Sample[], scale: number) {
  const r = shardGradients(model, variables, shardInput(samples, model.config, codec), 1, scale);
  const out = {
    loss: r.value.dataSync()[0],
    grads: new Map(variables.map((v) => [v.name, Float32Array.from(r.grads[v.name].dataSync())])),
  };
  tf.dispose([r.value, r.grads]);
  return out;
}

/** Largest |x - y| relative to the largest |y| of that variable (gradients differ in size across layers). */
function worst(x: Map<string, Float32Array>, y: Map<string, Float32Array>): number {
  let out = 0;
  for (const [name, ys] of y) {
    const xs = x.get(name)!;
    const size = ys.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-8);
    ys.forEach((v, i) => {
      out = Math.max(out, Math.abs(xs[i] - v) / size);
    });
  }
  return out;
}

const combine = (terms: Array<[number, Map<string, Float32Array>]>) =>
  new Map(
    variables.map((v) => [v.name, terms.reduce((acc, [k, g]) => acc.map((s, i) => s + k * g.get(v.name)![i]), new Float32Array(v.size))]),
  );

test("a weight w scales a line's loss and gradient by w", () => {
  const plain = gradients([a], 1);
  assert.ok(plain.loss > 0, 'an untrained model has a positive loss');
  for (const w of [0.5, 0.25, 2]) {
    const weighted = gradients([{ ...a, weight: w }], 1);
    assert.ok(Math.abs(weighted.loss - w * plain.loss) < 1e-5 * plain.loss, `w=${w}: loss ${weighted.loss} vs ${w * plain.loss}`);
    const diff = worst(weighted.grads, combine([[w, plain.grads]]));
    assert.ok(diff < 1e-5, `w=${w}: gradient differs by ${diff}`);
  }
  const zero = gradients([{ ...a, weight: 0 }], 1);
  assert.equal(zero.loss, 0);
});

test('in a batch, only the weighted line changes: grad = w·g(a alone) + g(b alone), same padding', () => {
  // Lines are compared inside the same padded batch (weight 0 switches the other one off):
  // a line's gradient depends slightly on the padding next to it, weights or not.
  const ga = gradients([a, { ...b, weight: 0 }], 0.5);
  const gb = gradients([{ ...a, weight: 0 }, b], 0.5);
  const both = gradients([{ ...a, weight: 0.3 }, b], 0.5);
  const expectedLoss = 0.3 * ga.loss + gb.loss;
  assert.ok(Math.abs(both.loss - expectedLoss) < 1e-5 * expectedLoss, `loss ${both.loss} vs ${expectedLoss}`);
  const diff = worst(
    both.grads,
    combine([
      [0.3, ga.grads],
      [1, gb.grads],
    ]),
  );
  assert.ok(diff < 1e-5, `gradient differs by ${diff}`);
  // And the weight matters: the unweighted batch is measurably different.
  assert.ok(
    worst(
      gradients([a, b], 0.5).grads,
      combine([
        [0.3, ga.grads],
        [1, gb.grads],
      ]),
    ) > 1e-2,
  );
});

test('the weight travels to a worker thread with its shard', async () => {
  const pool = await ParallelGradients.start({ kind: 'recognizer', config: model.config }, backend.name, 2);
  try {
    const ga = gradients([a], 1);
    const gb = gradients([b], 1);
    const shards = [shardInput([b], model.config, codec), shardInput([{ ...a, weight: 0.4 }], model.config, codec)];
    const r = await pool.compute(model, variables, shards, 1, 0.5);
    const grads = new Map(variables.map((v) => [v.name, Float32Array.from(r.grads[v.name].dataSync())]));
    tf.dispose(Object.values(r.grads));
    const expectedLoss = (0.4 * ga.loss + gb.loss) / 2;
    assert.ok(Math.abs(r.loss - expectedLoss) < 1e-4 * expectedLoss, `loss ${r.loss} vs ${expectedLoss}`);
    const diff = worst(
      grads,
      combine([
        [0.2, ga.grads],
        [0.5, gb.grads],
      ]),
    );
    assert.ok(diff < 1e-4, `gradient differs by ${diff}`);
  } finally {
    await pool.stop();
  }
});
