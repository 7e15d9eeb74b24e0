// The rows of the few-labels experiment: each starts from the saved base model and the
// same labeled / unlabeled lines and returns the network it ends with. Every row that
// trains gets the same fine-tuning budget and the same augmentation of the labeled lines
// (the strong sequence-preserving pipeline), so rows differ only in what they add.
import { ArraySource, type Sample } from '../../main/ml/data.ts';
import type { SavedModel } from '../../main/ml/checkpoint.ts';
import { Codec } from '../../main/ml/codec.ts';
import { extendCharset } from '../../main/ml/extend-charset.ts';
import type { LineTensor } from '../../main/ml/line-image.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { augmentView, PIPELINES } from '../../main/ml/seqclr/augment.ts';
import { pretrain } from '../../main/ml/seqclr/pretrain.ts';
import { selfTrain } from '../../main/ml/self-training.ts';
import { train } from '../../main/ml/train.ts';
import type { Decoding } from '../../main/ml/decoding.ts';
import { BASE_LANGUAGE_MODEL_FILE } from '../../main/jobs/decoding-spec.ts';
import { LANGUAGE_MODEL_DEFAULTS } from '../../shared/decoding-options.ts';

export const ROWS = ['base', 'scratch', 'finetune', 'seqclr', 'semi', 'semi-lm', 'seqclr+semi', 'all'] as const;
export type Row = (typeof ROWS)[number];

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
}

/** The semi rows' settings as the third to sixth sittings ran them. */
export const SEMI_DEFAULTS = { semiRounds: 2, semiThreshold: 0.85 } as const;

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

async function finetune(model: Recognizer, codec: Codec, lines: Sample[], s: RunSettings, seed: number): Promise<void> {
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
      checkpointEvery: 0,
      augment: (img, rng) => augmentView(img, rng, 1, PIPELINES.strong),
    },
  );
}

async function seqclr(model: Recognizer, data: RowData, s: RunSettings, seed: number): Promise<void> {
  const lines = new ArraySource(data.unlabeled.map((l) => ({ image: l.image, text: '' })));
  const { head } = await pretrain(model, lines, { steps: s.pretrainSteps, batchSize: BATCH, seed, threads: s.threads, checkpointEvery: 0 });
  head.dispose();
}

// Self-training within the fine-tuning budget: half of the steps on the labeled lines alone
// (the teacher), then the teacher's confident readings of the unlabeled lines join them for
// the other half, augmented like the labeled lines (the student's noise, as in Noisy
// Student). The first sitting's variant (three rounds, the first reading done by the base
// model, pseudo-labeled lines not augmented) is in docs/results/few-labels.md.
async function semi(model: Recognizer, codec: Codec, data: RowData, s: RunSettings, seed: number, decoding?: Decoding): Promise<number[]> {
  const rounds = s.semiRounds;
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
      stepsPerRound: Math.round(s.steps / rounds),
      decoding,
      checkpointEvery: 0,
      train: { batchSize: BATCH, seed, threads: s.threads, learningRate: s.learningRate, validateEvery: 0, patience: 0 },
    },
  );
  return result.rounds.map((r) => r.pseudoLabels.length);
}

export async function runRow(
  row: Row,
  base: SavedModel,
  data: RowData,
  s: RunSettings,
  seed: number,
): Promise<{ model: Recognizer; codec: Codec; pseudoLabeled?: number[] }> {
  if (row === 'base') return { model: base.model, codec: base.codec };
  if (row === 'scratch') {
    base.model.dispose();
    const codec = Codec.fromTexts(data.labeled.map((l) => l.text));
    const model = new Recognizer({ ...base.model.config, classes: codec.classes }, seed);
    await finetune(model, codec, data.labeled, s, seed);
    return { model, codec };
  }
  const { model, codec } = baseFor(
    base,
    (row === 'all' ? data.all : data.labeled).map((l) => l.text),
    seed,
  );
  if (row === 'all') {
    await finetune(model, codec, data.all, s, seed);
    return { model, codec };
  }
  if (row === 'seqclr' || row === 'seqclr+semi') await seqclr(model, data, s, seed);
  if (row === 'semi' || row === 'seqclr+semi') return { model, codec, pseudoLabeled: await semi(model, codec, data, s, seed) };
  // The teacher reads the unlabeled lines with the bundled language model and the labeled
  // lines' texts mixed in, as a transcription job with the language model does.
  if (row === 'semi-lm') {
    const d = LANGUAGE_MODEL_DEFAULTS;
    const languageModel = {
      file: BASE_LANGUAGE_MODEL_FILE,
      projectTexts: data.labeled.map((l) => l.text),
      projectShare: d.projectShare,
      weight: d.weight,
      bonus: d.bonus,
      beamWidth: d.beamWidth,
    };
    return { model, codec, pseudoLabeled: await semi(model, codec, data, s, seed, { languageModel }) };
  }
  await finetune(model, codec, data.labeled, s, seed);
  return { model, codec };
}
