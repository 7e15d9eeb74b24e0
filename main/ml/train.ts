// Supervised CTC training of a Recognizer. Reads top to bottom: schedule, batch, evaluate,
// then the loop. Adam with linear warm-up and cosine decay, global-norm gradient clipping,
// validation CER every N steps with early stopping (the best weights are restored), a
// clean cancel through an AbortSignal, and checkpoints that resume the exact same run.
import * as tf from '@tensorflow/tfjs';
import { batchIndices, POOL_BATCHES, type LineSource, type Sample } from './data.ts';
import type { LineTensor } from './line-image.ts';
import { Rng } from './random.ts';
import type { ErrorReport } from './metrics.ts';
import { evaluateLines } from './line-reader.ts';
import { frameMask, widthStride, type Part, type Recognizer } from './model.ts';
import { currentBackend } from './backend.ts';
import { lossAndGradients, shardInput, splitBatch } from './gradients.ts';
import { ParallelGradients } from './parallel.ts';
import { clipByGlobalNorm, learningRateAt, restoreOptimizer, snapshotOptimizer, yieldToEventLoop, type OptimOptions } from './optim.ts';
import type { Codec } from './codec.ts';
import type { TrainingCheckpointState } from './checkpoint.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';

export interface TrainOptions extends OptimOptions {
  /** Validate every this many steps (0: never). */
  validateEvery: number;
  /** Stop after this many validations without a better CER (0: never stop early). */
  patience: number;
  /** Parts of the network that stay fixed (e.g. a pretrained encoder). */
  frozen: Part[];
  signal?: AbortSignal;
  /** Awaited when it returns a promise (a caller that reads held-out lines at some steps). */
  onProgress?: (p: TrainProgress) => void | Promise<void>;
  /**
   * Called every `checkpointEvery` steps and at cancel with the state to persist. Its
   * tensors (Adam's moments, the best weights) are valid during the call only: write them
   * out, or copy them, before returning.
   */
  checkpointEvery: number;
  onCheckpoint?: (state: TrainState) => void;
  /** Resume from a saved state (same data, same seed, same thread count). */
  resume?: TrainState;
  /**
   * Threads for data-parallel gradients (wasm and cpu backends run single-threaded). The
   * split of each batch depends on it, so a run is reproducible for a given count.
   */
  threads: number;
  /**
   * Data augmentation applied to each training line, seeded by (seed, step, position), so
   * a resumed run sees the same augmented batches. It is given the sample too, so it can
   * treat lines differently (self-training augments human-labeled lines only).
   */
  augment?: (image: LineTensor, rng: Rng, sample: Sample) => LineTensor;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  steps: TRAINING_DEFAULTS.steps,
  batchSize: TRAINING_DEFAULTS.batchSize,
  learningRate: 1e-3,
  warmupSteps: 100,
  clipNorm: 5,
  seed: TRAINING_DEFAULTS.seed,
  validateEvery: 200,
  patience: 5,
  frozen: [],
  checkpointEvery: TRAINING_DEFAULTS.checkpointEvery,
  threads: 1,
};

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  linesPerSecond: number;
  etaSeconds: number;
  learningRate: number;
  validation?: ErrorReport;
}

/** Step, early-stopping state, loss history and Adam slots keyed by weight name. */
export type TrainState = TrainingCheckpointState;

export interface TrainResult {
  status: 'done' | 'stopped-early' | 'cancelled';
  state: TrainState;
  validation?: ErrorReport;
}

export async function train(
  model: Recognizer,
  codec: Codec,
  data: { train: LineSource; validation?: Sample[] },
  options: Partial<TrainOptions> = {},
): Promise<TrainResult> {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const parts: Part[] = (['conv', 'rnn', 'head'] as Part[]).filter((p) => !o.frozen.includes(p));
  const variables = model.variables(parts);
  const names = new Map(variables.map((v) => [v.name, [...model.weights.entries()].find(([, w]) => w === v)![0]]));
  const optimizer = tf.train.adam(o.learningRate);
  const state: TrainState = o.resume
    ? { step: o.resume.step, bestCer: o.resume.bestCer, sinceBest: o.resume.sinceBest, history: [...o.resume.history] }
    : { step: 0, bestCer: null, sinceBest: 0, history: [] };
  if (o.resume?.optimizer) await restoreOptimizer(optimizer, variables, names, o.resume.optimizer);
  // A resumed run keeps its best weights so far: the end of the run restores them.
  let best: Map<string, tf.Tensor> | undefined = o.resume?.best && new Map([...o.resume.best].map(([k, v]) => [k, tf.clone(v)]));
  let lastValidation: ErrorReport | undefined;
  const cache = new Map<number, Sample>();
  const sampleAt = (i: number) => {
    let s = cache.get(i);
    if (!s) {
      s = data.train.get(i);
      cache.set(i, s);
    }
    return s;
  };
  const backend = currentBackend()?.name ?? 'cpu';
  // tfjs-node threads itself; a GPU backend is one device, not one per worker.
  const threads = backend === 'tensorflow' || backend === 'webgpu' ? 1 : Math.max(1, Math.min(o.threads, o.batchSize));
  const pool = threads > 1 ? await ParallelGradients.start(model, backend, threads) : undefined;
  try {
    return await loop();
  } finally {
    await pool?.stop();
    optimizer.dispose();
  }

  async function loop(): Promise<TrainResult> {
    const started = performance.now();
    const firstStep = state.step;
    const checkpoint = async () => {
      if (!o.onCheckpoint) return;
      const slots = await snapshotOptimizer(optimizer, names);
      // The copies of Adam's moments live for the call only: kept, each checkpoint would
      // leak twice the model's size.
      try {
        o.onCheckpoint({ ...state, optimizer: slots, best });
      } finally {
        tf.dispose([...slots.values()]);
      }
    };

    while (state.step < o.steps) {
      await yieldToEventLoop();
      if (o.signal?.aborted) {
        await checkpoint();
        return { status: 'cancelled', state, validation: lastValidation };
      }
      const step = state.step;
      // Lines are cached for one pool of batches (batchIndices sorts a pool by width), then
      // dropped: a corpus of real lines does not fit in memory as float tensors.
      if (step % POOL_BATCHES === 0) cache.clear();
      let batch = batchIndices(data.train, o.batchSize, o.seed, step, (i) => sampleAt(i).image.width).map(sampleAt);
      if (o.augment) {
        const augment = o.augment;
        batch = batch.map((s, i) => ({ ...s, image: augment(s.image, new Rng((o.seed * 1_000_003 + step) * 131 + i), s) }));
      }
      const lr = learningRateAt(step, o);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const shards = splitBatch(batch, threads).map((s) => shardInput(s, model.config, codec));
      const seed = o.seed * 1_000_003 + step * 64;
      let loss: number;
      let grads: tf.NamedTensorMap;
      if (pool) {
        ({ loss, grads } = await pool.compute(model, variables, shards, seed, 1 / batch.length));
      } else {
        ({ loss, grads } = await lossAndGradients(model, variables, shards[0], seed, 1 / batch.length));
      }
      const clipped = clipByGlobalNorm(grads, o.clipNorm);
      // In the order of `variables`: Adam keeps its moments by position, and a checkpoint
      // restores them in that order.
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: clipped[v.name] })));
      tf.dispose([grads, clipped]);
      state.step = step + 1;
      const entry: TrainState['history'][number] = { step: state.step, loss };
      state.history.push(entry);

      if (o.validateEvery > 0 && data.validation?.length && (state.step % o.validateEvery === 0 || state.step === o.steps)) {
        lastValidation = await evaluateLines(model, codec, backend, data.validation, threads);
        entry.cer = lastValidation.cer;
        if (state.bestCer === null || lastValidation.cer < state.bestCer) {
          state.bestCer = lastValidation.cer;
          state.sinceBest = 0;
          tf.dispose([...(best?.values() ?? [])]);
          best = new Map([...model.weights.entries()].map(([k, v]) => [k, tf.clone(v)]));
        } else {
          state.sinceBest++;
        }
      }
      const elapsed = (performance.now() - started) / 1000;
      const done = state.step - firstStep;
      await o.onProgress?.({
        step: state.step,
        steps: o.steps,
        loss,
        learningRate: lr,
        validation: entry.cer === undefined ? undefined : lastValidation,
        linesPerSecond: (done * o.batchSize) / elapsed,
        etaSeconds: ((o.steps - state.step) * elapsed) / done,
      });
      if (o.checkpointEvery > 0 && state.step % o.checkpointEvery === 0) await checkpoint();
      if (o.patience > 0 && state.sinceBest >= o.patience) {
        restoreBest(model, best);
        return { status: 'stopped-early', state, validation: lastValidation };
      }
    }
    restoreBest(model, best);
    return { status: 'done', state, validation: lastValidation };
  }
}

function restoreBest(model: Recognizer, best: Map<string, tf.Tensor> | undefined): void {
  if (!best) return;
  for (const [k, v] of best) model.weights.get(k)!.assign(v);
  tf.dispose([...best.values()]);
}
