// Supervised CTC training of a Recognizer: the batch of each step (lines of similar width,
// optionally augmented), its loss and gradients (on the gradient pool when there are
// threads), and validation CER every N steps with early stopping (the best weights are
// restored). The loop itself (schedule, Adam, clipping, checkpoints, cancel, progress) is
// training-loop.ts's.
import { TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';
import * as tf from '@tensorflow/tfjs';
import { BatchReader, type LineSource, type Sample } from './data.ts';
import type { LineTensor } from './line-image.ts';
import { Rng } from './random.ts';
import type { ErrorReport } from './metrics.ts';
import { evaluateLines } from './line-reader.ts';
import type { Part, Recognizer } from './model.ts';
import { lossAndGradients, shardInput, splitBatch } from './gradients.ts';
import type { Codec } from './codec.ts';
import { currentBackend } from './backend.ts';
import { DEFAULT_LOOP_OPTIONS, poolThreads, runTrainingLoop, type LoopOptions, type LoopProgress } from './training-loop.ts';
import type { RunStatus, TrainingCheckpointState } from './training-state.ts';

export interface TrainOptions extends LoopOptions {
  /** Validate every this many steps (0: never). */
  validateEvery: number;
  /** Stop after this many validations without a better CER (0: never stop early). */
  patience: number;
  /** Parts of the network that stay fixed (e.g. a pretrained encoder). */
  frozen: Part[];
  /** Awaited when it returns a promise (a caller that reads held-out lines at some steps). */
  onProgress?: (p: TrainProgress) => void | Promise<void>;
  /**
   * Data augmentation applied to each training line, seeded by (seed, step, position), so
   * a resumed run sees the same augmented batches. It is given the sample too, so it can
   * treat lines differently (self-training augments human-labeled lines only).
   */
  augment?: (image: LineTensor, rng: Rng, sample: Sample) => LineTensor;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  ...DEFAULT_LOOP_OPTIONS,
  validateEvery: 200,
  patience: TRAINING_DEFAULTS.patience,
  frozen: [],
};

export interface TrainProgress extends LoopProgress {
  validation?: ErrorReport;
}

/** Step, early-stopping state, loss history and Adam slots keyed by weight name. */
export type TrainState = TrainingCheckpointState;

export interface TrainResult {
  status: RunStatus;
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
  // A resumed run keeps its best weights so far: the end of the run restores them.
  let best: Map<string, tf.Tensor> | undefined = o.resume?.best && new Map([...o.resume.best].map(([k, v]) => [k, tf.clone(v)]));
  let lastValidation: ErrorReport | undefined;
  // The report of the check that kept `best`: what the run returns once it restores them.
  let bestValidation: ErrorReport | undefined;
  let validatedNow = false;
  const reader = new BatchReader(data.train, o.batchSize, o.seed);

  const run = runTrainingLoop(
    {
      variables,
      names,
      pool: { replica: { kind: 'recognizer', config: model.config }, maxThreads: o.batchSize },
      async step({ step, pool, threads }) {
        let batch = reader.batch(step);
        if (o.augment) {
          const augment = o.augment;
          batch = batch.map((s, i) => ({ ...s, image: augment(s.image, new Rng((o.seed * 1_000_003 + step) * 131 + i), s) }));
        }
        const shards = splitBatch(batch, threads).map((s) => shardInput(s, model.config, codec));
        const seed = o.seed * 1_000_003 + step * 64;
        const { loss, grads } = pool
          ? await pool.compute(model, variables, shards, seed, 1 / batch.length)
          : await lossAndGradients(model, variables, shards[0], seed, 1 / batch.length);
        return { loss, grads, lines: batch.length };
      },
      async afterStep(entry, state, { backend, threads }) {
        validatedNow = false;
        if (!(o.validateEvery > 0 && data.validation?.length && (state.step % o.validateEvery === 0 || state.step === o.steps))) return;
        lastValidation = await evaluateLines(model, codec, backend, data.validation, threads);
        validatedNow = true;
        entry.cer = lastValidation.cer;
        if (state.bestCer === null || lastValidation.cer < state.bestCer) {
          state.bestCer = lastValidation.cer;
          state.sinceBest = 0;
          bestValidation = lastValidation;
          tf.dispose([...(best?.values() ?? [])]);
          best = new Map([...model.weights.entries()].map(([k, v]) => [k, tf.clone(v)]));
        } else {
          state.sinceBest++;
        }
      },
      stopEarly: (state) => o.patience > 0 && state.sinceBest >= o.patience,
      checkpointExtras: () => ({ best }),
      onProgress: (p) => o.onProgress?.({ ...p, validation: validatedNow ? lastValidation : undefined }),
    },
    o,
  );
  // The copies of the best weights are freed whatever the end: restored into the model, or dropped.
  let restored = false;
  let outcome: Awaited<typeof run> | undefined;
  try {
    outcome = await run;
    restored = outcome.status !== 'cancelled' && best !== undefined;
  } finally {
    if (restored) restoreBest(model, best!);
    else tf.dispose([...(best?.values() ?? [])]);
  }
  const { status, state } = outcome;
  if (!restored) return { status, state, validation: lastValidation };
  // The report describes the weights the model ends with, the best check's; when that check
  // was in an earlier sitting (a resumed run that found nothing better), they are read again.
  if (bestValidation || !data.validation?.length) return { status, state, validation: bestValidation ?? lastValidation };
  const backend = currentBackend()?.name ?? 'cpu';
  const validation = await evaluateLines(model, codec, backend, data.validation, poolThreads(backend, o.threads, o.batchSize));
  return { status, state, validation };
}

function restoreBest(model: Recognizer, best: Map<string, tf.Tensor>): void {
  for (const [k, v] of best) model.weights.get(k)!.assign(v);
  tf.dispose([...best.values()]);
}
