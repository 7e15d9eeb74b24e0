// Training runs on a project's lines, recorded as jobs and ending in a model version:
// SeqCLR pretraining on all lines, and supervised fine-tuning (or decoder evaluation with
// a frozen encoder) on the labeled train split, early-stopped on the validation split, or
// semi-supervised with its unlabeled lines too (semi-supervised-run.ts).
// Checkpoints go to <project>/checkpoints/job-<id>.qmodel; `resumeJob` continues one.
import { describeIssues } from '../../shared/zod.ts';
import { TRAINING_DEFAULTS, validateEvery } from '../../shared/training-defaults.ts';
import { defaultTrainingThreads } from '../ml/parallel.ts';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { schemas } from '../../shared/api.ts';
import {
  parseJobConfig,
  type FinetuneRequest,
  type PretrainRequest,
  type RunProgress,
  type TrainingRequest,
} from '../../shared/job-configs.ts';
import { currentBackend, hasSyncReads, initBackend } from '../ml/backend.ts';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, type TrainingCheckpointState } from '../ml/checkpoint.ts';
import { Codec } from '../ml/codec.ts';
import { ArraySource } from '../ml/data.ts';
import { DEFAULT_CONFIG, Recognizer } from '../ml/model.ts';
import { pretrain } from '../ml/seqclr/pretrain.ts';
import { train } from '../ml/train.ts';
import { allLineIds, labeledLines, samplesFor } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';
import { saveVersion, type ModelVersion } from '../models/registry.ts';
import { isResumable } from '../../shared/job-states.ts';
import { checkpointPath, prepareFinetune, type Checkpoint } from './finetune-setup.ts';
import { createJob, getJob, JobCancelled, updateJob, type Job } from './jobs.ts';
import { runSemiSupervised } from './semi-supervised-run.ts';
import { notResumable } from './segmenter-training.ts';

export type { FinetuneRequest, PretrainRequest, RunProgress, TrainingRequest } from '../../shared/job-configs.ts';

/**
 * A new training request checked against the API's schema (so the CLI, the app and a
 * resumed job accept the same configs), with the server's defaults.
 */
export function checkTrainingRequest(config: unknown): StoredTraining {
  const parsed = schemas.startTraining.safeParse(config);
  if (!parsed.success) throw new Error(`invalid training job config: ${describeIssues(parsed.error, 'config')}`);
  return withThreads(parsed.data);
}

type StoredTraining = PretrainRequest | FinetuneRequest;
const withThreads = (r: TrainingRequest): StoredTraining => ({ ...r, threads: r.threads ?? defaultTrainingThreads() });

/** A training job's stored config, checked as the job's own (shared/job-configs.ts): an error names the job and field. */
function storedTraining(job: Job): StoredTraining {
  if (job.kind !== 'pretrain' && job.kind !== 'finetune') throw new Error(`job ${job.id} is a ${job.kind} job, not a training job`);
  return withThreads(parseJobConfig(job as Job & { kind: 'pretrain' | 'finetune' }));
}

export interface RunControl {
  onProgress?: (p: RunProgress) => void;
  /** Aborting saves a checkpoint and leaves the job cancelled (resumable). */
  signal?: AbortSignal;
}

export async function startTraining(
  project: Project,
  request: TrainingRequest | StoredTraining,
  onProgress?: (p: RunProgress) => void,
  signal?: AbortSignal,
): Promise<ModelVersion> {
  const checked = checkTrainingRequest(request);
  const job = createJob(project, checked.kind, checked as unknown as Record<string, unknown>);
  return runJob(project, job.id, checked, undefined, { onProgress, signal });
}

/** Runs a job row created earlier (state queued), e.g. by the app's job runner. */
export async function runQueuedJob(project: Project, jobId: number, control: RunControl = {}): Promise<ModelVersion> {
  const job = getJob(project, jobId);
  if (job.state !== 'queued') throw new Error(`job ${jobId} is ${job.state}, not queued`);
  let request: StoredTraining;
  try {
    request = storedTraining(job);
  } catch (error) {
    // Left queued, a refused config would be tried again at every start of the app.
    updateJob(project, jobId, { state: 'failed', error: (error as Error).message, log: `failed: ${(error as Error).message}` });
    throw error;
  }
  updateJob(project, jobId, { state: 'running' });
  return runJob(project, jobId, request, undefined, control);
}

/** Continues an interrupted or cancelled training job from its last checkpoint. */
export async function resumeJob(
  project: Project,
  jobId: number,
  onProgress?: (p: RunProgress) => void,
  signal?: AbortSignal,
): Promise<ModelVersion> {
  const job = getJob(project, jobId);
  if (!isResumable(job.state)) throw new Error(`job ${jobId} is ${job.state}; only interrupted, cancelled or failed jobs can be resumed`);
  // Segmenter fine-tuning (segmenter-training.ts) keeps no checkpoints: it is run again instead.
  if (job.kind === 'segment') throw notResumable(jobId);
  const request = storedTraining(job);
  const file = checkpointPath(project, jobId);
  const checkpoint = existsSync(file) ? loadTrainingCheckpoint(file) : undefined;
  const round = checkpoint?.state.selfTraining ? `in round ${checkpoint.state.selfTraining.round + 1} ` : '';
  updateJob(project, jobId, {
    state: 'running',
    log: checkpoint ? `resumed ${round}at step ${checkpoint.state.step}` : 'restarted (no checkpoint was written)',
  });
  return runJob(project, jobId, request, checkpoint, { onProgress, signal });
}

async function runJob(
  project: Project,
  jobId: number,
  request: StoredTraining,
  checkpoint: Checkpoint | undefined,
  { onProgress, signal }: RunControl,
): Promise<ModelVersion> {
  const backend = await initBackend();
  const started = performance.now();
  mkdirSync(join(project.root, 'checkpoints'), { recursive: true });
  const report = (p: Omit<RunProgress, 'jobId'>) => {
    const progress = { jobId, ...p };
    onProgress?.(progress);
    if (p.step % 10 === 0 || p.step === p.steps) updateJob(project, jobId, { progress });
  };
  updateJob(project, jobId, { progress: { step: checkpoint?.state.step ?? 0 }, log: `backend ${backend.name} (${backend.provider})` });
  try {
    // Checkpoints and model files read weights synchronously, which Node's WebGPU cannot:
    // fail at once (the job says why) rather than at the first checkpoint minutes later.
    if (!hasSyncReads())
      throw new Error(
        `training jobs cannot run on the ${backend.name} backend yet (its weights cannot be saved synchronously); use QUIRE_BACKEND=wasm`,
      );
    const version =
      request.kind === 'pretrain'
        ? await runPretrain(project, jobId, request, checkpoint, report, signal)
        : request.semiSupervised
          ? await runSemiSupervised(project, jobId, { ...request, semiSupervised: request.semiSupervised }, checkpoint, report, signal)
          : await runFinetune(project, jobId, request, checkpoint, report, signal);
    if (signal?.aborted) throw new JobCancelled(`job ${jobId} was cancelled; resume continues from its checkpoint`);
    const finished = saveVersion(project, version.model, version.codec, {
      ...version.record,
      backend: currentBackend()?.name ?? backend.name,
      durationS: (performance.now() - started) / 1000,
    });
    updateJob(project, jobId, { state: 'done', modelId: finished.id, log: `saved model version ${finished.id}` });
    rmSync(checkpointPath(project, jobId), { force: true });
    return finished;
  } catch (error) {
    if (error instanceof JobCancelled) updateJob(project, jobId, { state: 'cancelled', log: 'cancelled' });
    else updateJob(project, jobId, { state: 'failed', error: (error as Error).message, log: `failed: ${(error as Error).message}` });
    throw error;
  }
}

function checkpointer(project: Project, jobId: number, model: () => Recognizer, codec: Codec) {
  return (state: TrainingCheckpointState) => {
    saveTrainingCheckpoint(checkpointPath(project, jobId), model(), codec, state);
  };
}

async function runPretrain(
  project: Project,
  jobId: number,
  r: PretrainRequest,
  ckpt: Checkpoint | undefined,
  report: (p: Omit<RunProgress, 'jobId'>) => void,
  signal?: AbortSignal,
) {
  const ids = allLineIds(project);
  if (ids.length < 2) throw new Error('pretraining needs at least two lines in the project');
  const codec = ckpt?.codec ?? Codec.fromTexts(labeledLines(project).map((l) => l.text));
  const model = ckpt?.model ?? new Recognizer({ ...DEFAULT_CONFIG, classes: codec.classes }, r.seed);
  const lines = await samplesFor(
    project,
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
    onCheckpoint: checkpointer(project, jobId, () => model, codec),
    resume: ckpt?.state,
    signal,
    onProgress: (p) => report({ phase: 'pretrain', ...p }),
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

async function runFinetune(
  project: Project,
  jobId: number,
  r: FinetuneRequest,
  ckpt: Checkpoint | undefined,
  report: (p: Omit<RunProgress, 'jobId'>) => void,
  signal?: AbortSignal,
) {
  const { model, codec, frozen, labeled, trainSamples, validSamples } = await prepareFinetune(project, jobId, r, ckpt);
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
      onCheckpoint: checkpointer(project, jobId, () => model, codec),
      resume: ckpt?.state,
      signal,
      onProgress: (p) =>
        report({
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
