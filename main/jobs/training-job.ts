// One training job's run on either store (a ProjectStore): SeqCLR pretraining on all lines,
// and supervised fine-tuning (or decoder evaluation with a frozen encoder) on the labeled
// train split, early-stopped on the validation split, or semi-supervised with its unlabeled
// lines too (semi-supervised-run.ts). It reads the store's lines, writes its checkpoints to
// the store's folder of files (checkpointPath) and ends by saving a model version there and
// on the job's row. Who runs it records the job's state: the desktop's job runner
// (training-runs.ts) writes running, done, failed or cancelled itself; a team server's queue
// worker (main/queue/train-part.ts) leaves them to the server process following its task, so
// that a task BullMQ hands out again does not find its job already failed.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { TRAINING_DEFAULTS, validateEvery } from '../../shared/training-defaults.ts';
import type { FinetuneRequest, PretrainRequest } from '../../shared/job-configs.ts';
import { transaction } from '../db/ops.ts';
import { currentBackend, hasSyncReads, initBackend } from '../ml/backend.ts';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, type TrainingCheckpointState } from '../ml/checkpoint.ts';
import { Codec } from '../ml/codec.ts';
import { ArraySource } from '../ml/data.ts';
import { DEFAULT_CONFIG, Recognizer } from '../ml/model.ts';
import { pretrain } from '../ml/seqclr/pretrain.ts';
import { train } from '../ml/train.ts';
import { roundSteps, stepsBefore } from '../ml/self-training.ts';
import { models } from '../db/models.ts';
import { registry, removeWeights, writeWeights, type ModelVersion } from '../models/registry.ts';
import { allLineIdsAt, labeledLinesAt, samplesAt } from '../project/dataset.ts';
import type { ProjectStore } from '../project/project-store.ts';
import { checkpointPath, prepareFinetune, type Checkpoint } from './finetune-setup.ts';
import { JobCancelled, jobRecords } from './jobs.ts';
import { runSemiSupervised } from './semi-supervised-run.ts';
import { trainingContext, type RunControl, type TrainingContext } from './training-context.ts';

/** Training configs as stored, with the threads chosen. */
export type StoredTraining = PretrainRequest | FinetuneRequest;

/** The job's last checkpoint in the store's folder of files, if one was written. */
export function savedCheckpoint(root: string, jobId: number): Checkpoint | undefined {
  const file = checkpointPath(root, jobId);
  return existsSync(file) ? loadTrainingCheckpoint(file) : undefined;
}

/** What a resumed run's log says it continues from. */
export function resumedFrom(checkpoint: Checkpoint | undefined): string {
  if (!checkpoint) return 'restarted (no checkpoint was written)';
  const round = checkpoint.state.selfTraining ? `in round ${checkpoint.state.selfTraining.round + 1} ` : '';
  return `resumed ${round}at step ${checkpoint.state.step}`;
}

/**
 * The step of the whole run a checkpoint is at, as its progress counts them: a
 * semi-supervised run's checkpoint counts within its round, so the planned steps of the
 * rounds before it are added.
 */
export function overallStep(request: StoredTraining, checkpoint: Checkpoint | undefined): number {
  if (!checkpoint) return 0;
  const round = checkpoint.state.selfTraining?.round ?? 0;
  const semi = request.kind === 'finetune' ? request.semiSupervised : undefined;
  return (semi ? stepsBefore(roundSteps(request.steps, semi.rounds), round) : 0) + checkpoint.state.step;
}

/**
 * Trains the job from `checkpoint` (or from the start) and saves its model version: the
 * weights under the store's models/, the version's row and the job's model id in one
 * transaction, then the checkpoint removed. Throws JobCancelled when `signal` stopped it
 * (its checkpoint kept, to resume from).
 */
export async function trainJob(
  store: ProjectStore,
  jobId: number,
  request: StoredTraining,
  checkpoint: Checkpoint | undefined,
  control: RunControl,
): Promise<ModelVersion> {
  const backend = await initBackend();
  const started = performance.now();
  const file = checkpointPath(store.root, jobId);
  mkdirSync(dirname(file), { recursive: true });
  const ctx = trainingContext(store, jobId, control);
  ctx.write({ progress: { step: overallStep(request, checkpoint) }, log: `backend ${backend.name} (${backend.provider})` });
  try {
    // Checkpoints and model files read weights synchronously, which Node's WebGPU cannot:
    // fail at once (the job says why) rather than at the first checkpoint minutes later.
    if (!hasSyncReads())
      throw new Error(
        `training jobs cannot run on the ${backend.name} backend yet (its weights cannot be saved synchronously); use QUIRE_BACKEND=wasm`,
      );
    const version =
      request.kind === 'pretrain'
        ? await runPretrain(ctx, request, checkpoint)
        : request.semiSupervised
          ? await runSemiSupervised(ctx, { ...request, semiSupervised: request.semiSupervised }, checkpoint)
          : await runFinetune(ctx, request, checkpoint);
    if (control.signal?.aborted) throw new JobCancelled(`job ${jobId} was cancelled; resume continues from its checkpoint`);
    await ctx.flush();
    // The weights first, outside the transaction: it then holds the write lock for two short
    // statements, not across writing and syncing a file.
    const weights = writeWeights(store.root, version.model, version.codec, version.record.metrics);
    /** Removes the weights written for this save when no version refers to them (the save failed, or another run's stands). */
    const dropWeights = async () => {
      if (!weights.written) return;
      const inUse = await store.run(models.weightsInUse(weights.hash)).catch(() => true);
      if (!inUse) removeWeights(store.root, weights.hash);
    };
    let saved: ModelVersion;
    try {
      saved = await store.run(
        transaction(function* () {
          // Saved meanwhile by another run of the job (a queue task handed out twice): that version stands.
          const job = yield* jobRecords.get(jobId);
          if (job.modelId !== null) return yield* registry.version(job.modelId);
          const v = yield* registry.saveWrittenVersion(weights.hash, {
            ...version.record,
            backend: currentBackend()?.name ?? backend.name,
            durationS: (performance.now() - started) / 1000,
          });
          // With the version: a task redone after its worker died here finds the job's model made.
          yield* jobRecords.update(jobId, { modelId: v.id, log: `saved model version ${v.id}` });
          return v;
        }),
      );
    } catch (error) {
      await dropWeights();
      throw error;
    }
    if (saved.weightsHash !== weights.hash) await dropWeights();
    rmSync(file, { force: true });
    return saved;
  } finally {
    await ctx.flush().catch(() => {});
  }
}

function checkpointer(ctx: TrainingContext, model: () => Recognizer, codec: Codec) {
  return (state: TrainingCheckpointState) => {
    saveTrainingCheckpoint(checkpointPath(ctx.store.root, ctx.jobId), model(), codec, state);
  };
}

async function runPretrain(ctx: TrainingContext, r: PretrainRequest, ckpt: Checkpoint | undefined) {
  const ids = await allLineIdsAt(ctx.store);
  if (ids.length < 2) throw new Error('pretraining needs at least two lines in the project');
  const codec = ckpt?.codec ?? Codec.fromTexts((await labeledLinesAt(ctx.store)).map((l) => l.text));
  const model = ckpt?.model ?? new Recognizer({ ...DEFAULT_CONFIG, classes: codec.classes }, r.seed);
  const lines = await samplesAt(
    ctx.store,
    ids.map((lineId) => ({ lineId, text: '' })),
    model.config.height,
  );
  const result = await pretrain(model, new ArraySource(lines), {
    steps: r.steps,
    batchSize: r.batchSize,
    seed: r.seed,
    threads: r.threads,
    features: r.features,
    head: r.head,
    augmentations: r.augmentations ?? 'mild',
    mapping: r.mapping === 'window' ? { kind: 'window', instances: r.instances } : { kind: r.mapping },
    checkpointEvery: r.checkpointEvery ?? TRAINING_DEFAULTS.checkpointEvery,
    onCheckpoint: checkpointer(ctx, () => model, codec),
    resume: ckpt?.state,
    signal: ctx.signal,
    onProgress: (p) => ctx.report({ phase: 'pretrain', ...p }),
  });
  result.head.dispose();
  const finalLoss = result.state.history.at(-1)?.loss;
  return {
    model,
    codec,
    record: {
      name: `SeqCLR ${r.mapping}${r.mapping === 'window' ? ` ×${r.instances}` : ''} (${r.features}, ${r.head} head)`,
      kind: 'pretrain' as const,
      parentId: null,
      config: { ...r, network: model.config },
      metrics: { contrastiveLoss: finalLoss, steps: result.state.step },
      trainingSet: { lines: ids.length },
    },
  };
}

async function runFinetune(ctx: TrainingContext, r: FinetuneRequest, ckpt: Checkpoint | undefined) {
  const { model, codec, frozen, labeled, trainSamples, validSamples } = await prepareFinetune(ctx, r, ckpt);
  const result = await train(
    model,
    codec,
    { train: new ArraySource(trainSamples), validation: validSamples },
    {
      steps: r.steps,
      batchSize: r.batchSize,
      seed: r.seed,
      threads: r.threads,
      frozen,
      validateEvery: validateEvery(r.steps),
      patience: TRAINING_DEFAULTS.patience,
      checkpointEvery: r.checkpointEvery ?? TRAINING_DEFAULTS.checkpointEvery,
      onCheckpoint: checkpointer(ctx, () => model, codec),
      resume: ckpt?.state,
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.report({
          phase: 'train',
          step: p.step,
          steps: p.steps,
          loss: p.loss,
          linesPerSecond: p.linesPerSecond,
          etaSeconds: p.etaSeconds,
          validationCer: p.validation?.cer,
        }),
    },
  );
  return {
    model,
    codec,
    record: {
      name: r.freezeEncoder
        ? `decoder on model ${r.from}`
        : r.from !== undefined
          ? `fine-tuned from model ${r.from}`
          : 'trained from scratch',
      kind: 'finetune' as const,
      parentId: r.from ?? null,
      config: { ...r, frozen, network: model.config },
      metrics: {
        validationCer: result.validation?.cer ?? null,
        validationWer: result.validation?.wer ?? null,
        steps: result.state.step,
        stopped: result.status,
      },
      trainingSet: labeled.map((l) => [l.lineId, l.transcriptionId]),
    },
  };
}
