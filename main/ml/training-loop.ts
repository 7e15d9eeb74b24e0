// The one training loop of Quire's networks: supervised CTC training (train.ts), SeqCLR
// pretraining (seqclr/pretrain.ts), through train() the self-training rounds, and segmenter
// training (seg-train.ts). A trainer brings its step (a batch's loss and gradients, on the
// gradient pool when it has one) and its hooks (validation, early stopping, extra weights to
// checkpoint); the loop owns all that is common: the step counter, the learning-rate
// schedule, Adam, gradient clipping, the guard against non-finite steps, the pool's threads,
// checkpoints and resume, cancellation, and progress with its timing.
import * as tf from '@tensorflow/tfjs';
import { currentBackend, type BackendName } from './backend.ts';
import {
  clipToNorm,
  globalNorm,
  learningRateAt,
  restoreOptimizer,
  snapshotOptimizer,
  yieldToEventLoop,
  type OptimOptions,
} from './optim.ts';
import type { Replica } from './gradient-worker.ts';
import { ParallelGradients } from './parallel.ts';
import type { HistoryEntry, RunStatus, TrainingCheckpointState } from './training-state.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';

/** The options every trainer of the loop takes. */
export interface LoopOptions extends OptimOptions {
  /**
   * Steps between calls of onCheckpoint (0: none but the one at cancel). Its tensors (Adam's
   * moments, the best weights, extra weights) are valid during the call only: write them
   * out, or copy them, before returning (an awaited promise counts as the call).
   */
  checkpointEvery: number;
  onCheckpoint?: (state: TrainingCheckpointState) => void | Promise<void>;
  /** Resume from a saved state (same data, same seed, same thread count). */
  resume?: TrainingCheckpointState;
  /**
   * Threads for data-parallel gradients (wasm and cpu backends; the others run one). The
   * split of each batch depends on it, so a run is reproducible for a given count.
   */
  threads: number;
  signal?: AbortSignal;
}

/** Defaults of every trainer; a trainer's own defaults add its options to these. */
export const DEFAULT_LOOP_OPTIONS: LoopOptions = {
  steps: TRAINING_DEFAULTS.steps,
  batchSize: TRAINING_DEFAULTS.batchSize,
  learningRate: 1e-3,
  warmupSteps: 100,
  clipNorm: 5,
  seed: TRAINING_DEFAULTS.seed,
  checkpointEvery: TRAINING_DEFAULTS.checkpointEvery,
  threads: 1,
};

/**
 * Steps in a row whose loss or gradients are not finite before the run fails: one such step
 * (a freak batch) is skipped, weights untouched; a run of them means it has diverged.
 */
export const MAX_NON_FINITE_STEPS = 5;

export interface LoopProgress {
  step: number;
  steps: number;
  loss: number;
  learningRate: number;
  linesPerSecond: number;
  etaSeconds: number;
}

/** What a step and the hooks may use: the pool (when threads > 1) and where the run trains. */
export interface StepContext {
  step: number;
  pool?: ParallelGradients;
  threads: number;
  backend: BackendName;
}

export interface Trainer {
  /** The trained variables, in the order Adam keeps its moments (a checkpoint restores them in it). */
  variables: tf.Variable[];
  /** The name of each variable (by tf name) in checkpoints. */
  names: Map<string, string>;
  /**
   * The gradient pool, for a trainer whose step can use one: the network its workers
   * replicate, and the most threads that can share a step's work (its lines, or its views).
   */
  pool?: { replica: Replica; maxThreads: number };
  /** Loss and gradients (by variable name) of the batch of `ctx.step`; `lines` counts for the speed. */
  step(ctx: StepContext): Promise<{ loss: number; grads: tf.NamedTensorMap; lines: number }>;
  /** After the update: validation, which may set the entry's CER and the state's best. */
  afterStep?(entry: HistoryEntry, state: TrainingCheckpointState, ctx: StepContext): void | Promise<void>;
  /** Asked after each step's progress and checkpoint: true ends the run as 'stopped-early'. */
  stopEarly?(state: TrainingCheckpointState): boolean;
  /** Weights to persist with each checkpoint besides the model's and Adam's. */
  checkpointExtras?(): Pick<TrainingCheckpointState, 'best' | 'extraWeights'>;
  onProgress?(p: LoopProgress): void | Promise<void>;
}

export interface LoopResult {
  status: RunStatus;
  state: TrainingCheckpointState;
}

/** Threads worth starting: the wasm and cpu backends run one per thread; tfjs-node threads itself, a GPU is one device. */
export function poolThreads(backend: BackendName, requested: number, max: number): number {
  return backend === 'wasm' || backend === 'cpu' ? Math.max(1, Math.min(requested, max)) : 1;
}

export async function runTrainingLoop(trainer: Trainer, o: LoopOptions): Promise<LoopResult> {
  const { variables, names } = trainer;
  const optimizer = tf.train.adam(o.learningRate);
  const r = o.resume;
  const state: TrainingCheckpointState = r
    ? { step: r.step, bestCer: r.bestCer, sinceBest: r.sinceBest, history: [...r.history] }
    : { step: 0, bestCer: null, sinceBest: 0, history: [] };
  let pool: ParallelGradients | undefined;
  try {
    if (r?.optimizer) await restoreOptimizer(optimizer, variables, names, r.optimizer);
    const backend = currentBackend()?.name ?? 'cpu';
    const threads = trainer.pool ? poolThreads(backend, o.threads, trainer.pool.maxThreads) : 1;
    if (threads > 1) pool = await ParallelGradients.start(trainer.pool!.replica, backend, threads);
    return await loop({ step: state.step, pool, threads, backend });
  } finally {
    await pool?.stop();
    optimizer.dispose();
  }

  async function checkpoint(): Promise<void> {
    if (!o.onCheckpoint) return;
    const slots = await snapshotOptimizer(optimizer, names);
    // The copies of Adam's moments live for the call only: kept, each checkpoint would
    // leak twice the model's size.
    try {
      await o.onCheckpoint({ ...state, optimizer: slots, ...trainer.checkpointExtras?.() });
    } finally {
      tf.dispose([...slots.values()]);
    }
  }

  async function loop(ctx: StepContext): Promise<LoopResult> {
    const started = performance.now();
    const firstStep = state.step;
    let lines = 0;
    let nonFinite = 0;
    while (state.step < o.steps) {
      await yieldToEventLoop();
      if (o.signal?.aborted) {
        await checkpoint();
        return { status: 'cancelled', state };
      }
      const step = state.step;
      ctx.step = step;
      const learningRate = learningRateAt(step, o);
      (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
      const out = await trainer.step(ctx);
      const entry: HistoryEntry = { step: step + 1, loss: out.loss };
      if (await update(out.grads, out.loss)) nonFinite = 0;
      else {
        entry.skipped = true;
        if (++nonFinite >= MAX_NON_FINITE_STEPS)
          throw new Error(
            `training diverged: the loss or its gradients were not finite for ${nonFinite} steps in a row (steps ${step + 2 - nonFinite}–${step + 1}); try a lower learning rate`,
          );
      }
      lines += out.lines;
      state.step = step + 1;
      state.history.push(entry);
      await trainer.afterStep?.(entry, state, ctx);
      const elapsed = (performance.now() - started) / 1000;
      const done = state.step - firstStep;
      await trainer.onProgress?.({
        step: state.step,
        steps: o.steps,
        loss: out.loss,
        learningRate,
        linesPerSecond: lines / elapsed,
        etaSeconds: ((o.steps - state.step) * elapsed) / done,
      });
      if (o.checkpointEvery > 0 && state.step % o.checkpointEvery === 0) await checkpoint();
      if (trainer.stopEarly?.(state)) return { status: 'stopped-early', state };
    }
    return { status: 'done', state };
  }

  /** Clips and applies the gradients (and frees them); false, weights untouched, when the step is not finite. */
  async function update(grads: tf.NamedTensorMap, loss: number): Promise<boolean> {
    const norm = globalNorm(grads);
    try {
      if (!Number.isFinite(loss) || !Number.isFinite((await norm.data())[0])) return false;
      const clipped = clipToNorm(grads, norm, o.clipNorm);
      // In the order of `variables`: Adam keeps its moments by position, and a checkpoint
      // restores them in that order.
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: clipped[v.name] })));
      tf.dispose(clipped);
      return true;
    } finally {
      tf.dispose([norm, grads]);
    }
  }
}
