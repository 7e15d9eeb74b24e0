// Optimisation helpers of the training loop (training-loop.ts): the learning-rate schedule,
// gradient clipping, and Adam state that survives a checkpoint.
import * as tf from '@tensorflow/tfjs';

/** What every training loop here is configured with. */
export interface OptimOptions {
  steps: number;
  batchSize: number;
  /** Peak learning rate, reached after `warmupSteps`. */
  learningRate: number;
  warmupSteps: number;
  /** Gradients are scaled down when their global norm exceeds this. */
  clipNorm: number;
  seed: number;
}

/** Linear warm-up to the peak rate, then cosine decay to a tenth of it. */
export function learningRateAt(step: number, o: { learningRate: number; warmupSteps: number; steps: number }): number {
  if (step < o.warmupSteps) return (o.learningRate * (step + 1)) / o.warmupSteps;
  const progress = (step - o.warmupSteps) / Math.max(1, o.steps - o.warmupSteps);
  return o.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

/** √Σ g² over all gradients: a scalar the loop reads to tell a diverged step (∞ or NaN) from a good one. */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/** Scales all gradients down together when their global norm `norm` exceeds `maxNorm`. */
export function clipToNorm(grads: tf.NamedTensorMap, norm: tf.Scalar, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
  });
}

/** Adam keeps its moments positionally, in the order gradients were applied. */
export async function snapshotOptimizer(optimizer: tf.Optimizer, names: Map<string, string>): Promise<Map<string, tf.Tensor>> {
  const weights = await optimizer.getWeights();
  const out = new Map<string, tf.Tensor>();
  for (const w of weights) {
    const [varName, slot] = splitSlot(w.name);
    out.set(slot ? `${names.get(varName) ?? varName}/${slot}` : w.name, tf.clone(w.tensor));
  }
  return out;
}

function splitSlot(name: string): [string, string | undefined] {
  const m = /^(.*)\/(m|v)$/.exec(name);
  return m ? [m[1], m[2]] : [name, undefined];
}

export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  names: Map<string, string>,
  saved: Map<string, tf.Tensor>,
): Promise<void> {
  const iter = saved.get('iter') ?? tf.scalar(0);
  const ordered = (slot: string) =>
    variables.map((v) => {
      const t = saved.get(`${names.get(v.name)}/${slot}`);
      if (!t) throw new Error(`checkpoint lacks optimizer slot ${names.get(v.name)}/${slot}`);
      return { name: `${v.name}/${slot}`, tensor: t };
    });
  await optimizer.setWeights([{ name: 'iter', tensor: iter }, ...ordered('m'), ...ordered('v')]);
}

/**
 * Lets the event loop run between steps. On wasm every await inside a step resolves as a
 * microtask, so without this a training loop in a worker thread would never see the
 * 'cancel' message that aborts its signal.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
