// The rows of the few-labels experiment: each starts from the saved base model and the
// same labeled / unlabeled lines and returns the network it ends with. Every row that
// trains gets the same fine-tuning budget and the same augmentation of the labeled lines
// (the strong sequence-preserving pipeline), so rows differ only in what they add.
import { ArraySource, type Sample } from '../../main/ml/data.ts';
import type { SavedModel, TrainingCheckpointState } from '../../main/ml/checkpoint.ts';
import { Codec } from '../../main/ml/codec.ts';
import { extendCharset } from '../../main/ml/extend-charset.ts';
import type { LineTensor } from '../../main/ml/line-image.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { augmentView, PIPELINES } from '../../main/ml/seqclr/augment.ts';
import { pretrain } from '../../main/ml/seqclr/pretrain.ts';
import { emptyTrainState, fromCheckpointState, selfTrain, toCheckpointState } from '../../main/ml/self-training.ts';
import { train } from '../../main/ml/train.ts';
import type { Decoding } from '../../main/ml/decoding.ts';
import { BASE_LANGUAGE_MODEL_FILE } from '../../main/jobs/decoding-spec.ts';
import { LANGUAGE_MODEL_DEFAULTS } from '../../shared/decoding-options.ts';
import { progressLog, resumeOf, saveRunCheckpoint, stageDone, type RunControl, type Stage } from './run-checkpoint.ts';

export const ROWS = ['base', 'scratch', 'finetune', 'seqclr', 'semi', 'semi-lm', 'seqclr+semi', 'all'] as const;
export type Row = (typeof ROWS)[number];

/** What each row that trains runs, in order (a checkpoint names the stage it stopped in). */
const STAGES: Record<Exclude<Row, 'base'>, readonly Stage[]> = {
  scratch: ['train'],
  finetune: ['train'],
  all: ['train'],
  seqclr: ['pretrain', 'train'],
  semi: ['semi'],
  'semi-lm': ['semi'],
  'seqclr+semi': ['pretrain', 'semi'],
};

export interface Collection {
  name: string;
  pool: Sample[];
  test: Sample[];
}

export interface RunSettings {
  labels: number;
  steps: number;
  pretrainSteps: number;
  unlabeled: number;
  threads: number;
  /** Peak learning rate of every row that trains (the training loop's default: 1e-3). */
  learningRate: number;
  /** Self-training rounds of the semi rows, the first the teacher's on the labeled lines alone (default 2). */
  semiRounds: number;
  /** Least line confidence of a reading used as a target (default 0.85). */
  semiThreshold: number;
  /** Least share of human-labeled lines in a self-training round's lines (default 0: each once). */
  semiLabeledShare: number;
}

/** The semi rows' settings as the third to sixth sittings ran them. */
export const SEMI_DEFAULTS = { semiRounds: 2, semiThreshold: 0.85, semiLabeledShare: 0 } as const;

export interface RowData {
  labeled: Sample[];
  unlabeled: Array<{ id: number; image: LineTensor }>;
  /** Every line of the pool with its text: the upper bound's training set. */
  all: Sample[];
}

const BATCH = 16;

/** The base model with its output layer grown to the characters of `texts` it lacks. */
function baseFor(base: SavedModel, texts: string[], seed: number): { model: Recognizer; codec: Codec } {
  const missing = base.codec.missing(texts.join(''));
  if (missing.length === 0) return { model: base.model, codec: base.codec };
  const codec = base.codec.extendedWith(missing);
  const model = extendCharset(base.model, base.codec, codec, seed);
  base.model.dispose();
  return { model, codec };
}

/** A stage's loop settings from the run's control: checkpoints every `ck.every` steps into its file, resumed from it, progress to its log. */
function stageHooks(ck: RunControl | undefined, stage: Stage, model: Recognizer, codec: Codec) {
  return {
    checkpointEvery: ck ? ck.every : 0,
    onCheckpoint: ck ? (state: TrainingCheckpointState) => saveRunCheckpoint(ck, stage, model, codec, state) : undefined,
    resume: resumeOf(ck, stage),
    onProgress: progressLog(ck, stage),
  };
}

async function finetune(model: Recognizer, codec: Codec, lines: Sample[], s: RunSettings, seed: number, ck?: RunControl): Promise<void> {
  await train(
    model,
    codec,
    { train: new ArraySource(lines) },
    {
      steps: s.steps,
      batchSize: BATCH,
      seed,
      threads: s.threads,
      learningRate: s.learningRate,
      validateEvery: 0,
      patience: 0,
      augment: (img, rng) => augmentView(img, rng, 1, PIPELINES.strong),
      ...stageHooks(ck, 'train', model, codec),
    },
  );
}

async function seqclr(model: Recognizer, codec: Codec, data: RowData, s: RunSettings, seed: number, ck?: RunControl): Promise<void> {
  const lines = new ArraySource(data.unlabeled.map((l) => ({ image: l.image, text: '' })));
  const { head } = await pretrain(model, lines, {
    steps: s.pretrainSteps,
    batchSize: BATCH,
    seed,
    threads: s.threads,
    ...stageHooks(ck, 'pretrain', model, codec),
  });
  head.dispose();
}

// Self-training within the fine-tuning budget: half of the steps on the labeled lines alone
// (the teacher), then the teacher's confident readings of the unlabeled lines join them for
// the other half, augmented like the labeled lines (the student's noise, as in Noisy
// Student). The first sitting's variant (three rounds, the first reading done by the base
// model, pseudo-labeled lines not augmented) is in docs/results/few-labels.md.
async function semi(
  model: Recognizer,
  codec: Codec,
  data: RowData,
  s: RunSettings,
  seed: number,
  decoding: Decoding | undefined,
  ck?: RunControl,
): Promise<number[]> {
  const rounds = s.semiRounds;
  const resume = resumeOf(ck, 'semi');
  const trainProgress = progressLog(ck, 'semi');
  const result = await selfTrain(
    model,
    codec,
    { labeled: data.labeled, unlabeled: data.unlabeled },
    {
      rounds,
      labeledFirst: true,
      pseudoAugmentation: 'strong',
      // Chosen on the pool lines (never the test lines): the base model's readings at 0.9 are
      // 4-10 % of the lines, at 0.85 19-34 % with 13-15 % CER (docs/results/few-labels.md).
      threshold: s.semiThreshold,
      labeledShare: s.semiLabeledShare,
      stepsPerRound: Math.round(s.steps / rounds),
      decoding,
      checkpointEvery: ck ? ck.every : 0,
      onCheckpoint: ck ? (state) => saveRunCheckpoint(ck, 'semi', model, codec, toCheckpointState(state)) : undefined,
      onProgress: (p) => {
        if (p.phase === 'train') trainProgress?.(p);
        else if (p.done === p.total) ck?.log?.(`semi round ${p.round + 1}/${p.rounds}: read ${p.total} unlabeled lines`);
      },
      resume: resume ? fromCheckpointState(resume) : undefined,
      train: { batchSize: BATCH, seed, threads: s.threads, learningRate: s.learningRate, validateEvery: 0, patience: 0 },
    },
  );
  return result.rounds.map((r) => r.pseudoLabels.length);
}

/** The network a row starts from: the base model (its output grown to the labels' characters), or a new one for `scratch`. */
function startOf(row: Exclude<Row, 'base'>, base: SavedModel, data: RowData, seed: number): { model: Recognizer; codec: Codec } {
  if (row === 'scratch') {
    base.model.dispose();
    const codec = Codec.fromTexts(data.labeled.map((l) => l.text));
    return { model: new Recognizer({ ...base.model.config, classes: codec.classes }, seed), codec };
  }
  return baseFor(
    base,
    (row === 'all' ? data.all : data.labeled).map((l) => l.text),
    seed,
  );
}

// The teacher reads the unlabeled lines with the bundled language model and the labeled
// lines' texts mixed in, as a transcription job with the language model does.
function languageModelDecoding(data: RowData): Decoding {
  const d = LANGUAGE_MODEL_DEFAULTS;
  return {
    languageModel: {
      file: BASE_LANGUAGE_MODEL_FILE,
      projectTexts: data.labeled.map((l) => l.text),
      projectShare: d.projectShare,
      weight: d.weight,
      bonus: d.bonus,
      beamWidth: d.beamWidth,
    },
  };
}

/**
 * Runs one row from `base` (or from `ck.resume`, the run's checkpoint, whose stages behind
 * it are skipped) and returns the network it ends with. With `ck`, each stage checkpoints
 * into `ck.path` and a checkpoint marks each passage to the next stage.
 */
export async function runRow(
  row: Row,
  base: SavedModel,
  data: RowData,
  s: RunSettings,
  seed: number,
  ck?: RunControl,
): Promise<{ model: Recognizer; codec: Codec; pseudoLabeled?: number[] }> {
  if (row === 'base') return { model: base.model, codec: base.codec };
  let start: { model: Recognizer; codec: Codec };
  if (ck?.resume) {
    base.model.dispose();
    start = ck.resume;
  } else start = startOf(row, base, data, seed);
  const { model, codec } = start;
  const stages = STAGES[row];
  let pseudoLabeled: number[] | undefined;
  for (const [i, stage] of stages.entries()) {
    if (stageDone(ck, stage, stages)) continue;
    if (stage === 'pretrain') await seqclr(model, codec, data, s, seed, ck);
    else if (stage === 'train') await finetune(model, codec, row === 'all' ? data.all : data.labeled, s, seed, ck);
    else pseudoLabeled = await semi(model, codec, data, s, seed, row === 'semi-lm' ? languageModelDecoding(data) : undefined, ck);
    const next = stages[i + 1];
    if (ck && next) saveRunCheckpoint(ck, next, model, codec, emptyTrainState());
  }
  return { model, codec, pseudoLabeled };
}
