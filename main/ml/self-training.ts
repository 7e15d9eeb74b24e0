// Semi-supervised fine-tuning by self-training (pseudo-labeling): in each round the current
// model reads the unlabeled lines; the readings it is confident of join the human-labeled
// lines as training targets, with a lower loss weight, and the model trains on both. The
// next round reads again with the improved model, so more lines pass, and better read.
//
// The training itself is train(): a round is one train() call on labeled ∪ pseudo-labeled
// lines (a fresh Adam and schedule per round, as a new student in Noisy Student). State
// between rounds is small (the round and its pseudo-labels), so a run resumes exactly:
// the state at every checkpoint is (round, pseudo-labels so far, train()'s inner state),
// and the caller stores it with the weights.
import type { Decoding } from './decoding.ts';
import { ArraySource, type Sample } from './data.ts';
import type { LineTensor } from './line-image.ts';
import type { ErrorReport } from './metrics.ts';
import type { Codec } from './codec.ts';
import type { LineId, PseudoLabel, RoundRecord, TrainingCheckpointState } from './training-state.ts';
import type { Recognizer } from './model.ts';
import type { Rng } from './random.ts';
import { currentBackend } from './backend.ts';
import { readLinesOnce } from './line-reader.ts';
import type { Reading } from './recognize.ts';
import { augmentView, PIPELINES, type PipelineName } from './seqclr/augment.ts';
import { SELF_TRAINING_DEFAULTS } from '../../shared/self-training-options.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';
import { DEFAULT_TRAIN_OPTIONS, train, type TrainOptions, type TrainProgress, type TrainResult, type TrainState } from './train.ts';

export type { LineId, PseudoLabel, RoundRecord };

export interface UnlabeledLine {
  id: LineId;
  image: LineTensor;
}

/** Everything a resumed run needs besides the weights. */
export interface SelfTrainingState {
  /** The round in progress (0-based); its pseudo-labels are chosen once `rounds[round]` exists. */
  round: number;
  rounds: RoundRecord[];
  /** train()'s state within the current round (step 0: not started). */
  train: TrainState;
}

export type SelfTrainingProgress =
  | { phase: 'read'; round: number; rounds: number; done: number; total: number }
  | ({ phase: 'train'; round: number; rounds: number } & TrainProgress);

export interface SelfTrainingOptions {
  /** Read-and-train rounds. */
  rounds: number;
  /** A reading becomes a training target when its line confidence is at least this. */
  threshold: number;
  /** Loss weight of a pseudo-labeled line (a human-labeled line weighs 1). */
  pseudoWeight: number;
  /**
   * train() steps in each round (fewer when a round stops early on validation): one number
   * for every round, or one per round (`roundSteps` splits a whole run's budget).
   */
  stepsPerRound: number | readonly number[];
  /**
   * Round 1 trains on the human-labeled lines alone, and reading starts from round 2: the
   * first readings then come from a model that has seen this hand, not from the starting
   * model (a base model that never saw the hand reads few lines confidently, and those
   * worse).
   */
  labeledFirst: boolean;
  /**
   * Least share of a round's training lines that are human-labeled, reached by repeating the
   * labeled lines in the round's list (0: each line once). Beside fifteen times as many
   * pseudo-labeled lines, batches drawn evenly hold one human line in sixteen; FixMatch and
   * its kin keep a fixed share of labeled lines in every batch instead.
   */
  labeledShare: number;
  /** Augmentation of the human-labeled lines (sequence-preserving, seqclr/augment.ts). */
  labeledAugmentation: PipelineName | 'none';
  /**
   * Augmentation of pseudo-labeled lines: the target is the teacher's reading of the clean
   * image, the student sees it distorted (Noisy Student's noise; the few-labels experiment's
   * setting, shared/self-training-options.ts).
   */
  pseudoAugmentation: PipelineName | 'none';
  /** Lines per batch when reading the unlabeled lines. */
  readBatchSize: number;
  /** How the unlabeled lines are decoded (decoding.ts): best path, or with a language model. */
  decoding?: Decoding;
  /** train()'s settings for every round; its seed is varied per round. */
  train: Partial<Omit<TrainOptions, 'steps' | 'resume' | 'onCheckpoint' | 'onProgress' | 'signal' | 'augment' | 'checkpointEvery'>>;
  checkpointEvery: number;
  onCheckpoint?: (state: SelfTrainingState) => void;
  onProgress?: (p: SelfTrainingProgress) => void;
  signal?: AbortSignal;
  resume?: SelfTrainingState;
}

/** Rounds, threshold and weight: see shared/self-training-options.ts for why these values. */
export const DEFAULT_SELF_TRAINING: SelfTrainingOptions = {
  rounds: SELF_TRAINING_DEFAULTS.rounds,
  threshold: SELF_TRAINING_DEFAULTS.threshold,
  pseudoWeight: SELF_TRAINING_DEFAULTS.pseudoWeight,
  stepsPerRound: 500,
  labeledFirst: true,
  labeledShare: 0,
  labeledAugmentation: 'strong',
  pseudoAugmentation: 'strong',
  readBatchSize: 32,
  train: {},
  checkpointEvery: TRAINING_DEFAULTS.checkpointEvery,
};

export interface SelfTrainingResult {
  status: 'done' | 'cancelled';
  rounds: RoundRecord[];
  /** The last round's train() result (its validation is the final model's). */
  train?: TrainResult;
  validation?: ErrorReport;
}

export const emptyTrainState = (): TrainState => ({ step: 0, bestCer: null, sinceBest: 0, history: [] });

/** The state as one checkpoint record: train()'s state with the rounds beside it. */
export function toCheckpointState(s: SelfTrainingState): TrainingCheckpointState {
  return { ...s.train, selfTraining: { round: s.round, rounds: s.rounds } };
}

export function fromCheckpointState(c: TrainingCheckpointState): SelfTrainingState {
  const { selfTraining, ...train } = c;
  if (!selfTraining) throw new Error('this checkpoint was not written by self-training');
  return { round: selfTraining.round, rounds: selfTraining.rounds, train };
}

/** The readings that become targets: confident enough, and not empty (an empty target teaches the model to skip ink). */
export function selectPseudoLabels(lines: ReadonlyArray<{ id: LineId }>, readings: readonly Reading[], threshold: number): PseudoLabel[] {
  if (readings.length !== lines.length) throw new Error(`${readings.length} readings for ${lines.length} lines`);
  return lines.flatMap((line, i) => {
    const r = readings[i];
    return r.text.trim() !== '' && r.confidence >= threshold ? [{ id: line.id, text: r.text, confidence: r.confidence }] : [];
  });
}

/** How many times each labeled line appears in a round's list, so that they make up at least `share` of it. */
export function labeledRepeats(labeled: number, pseudo: number, share: number): number {
  if (share <= 0 || labeled === 0 || pseudo === 0) return 1;
  return Math.max(1, Math.ceil((share * pseudo) / ((1 - share) * labeled)));
}

/** A round's training lines: the labeled lines (repeated to make up `share`, labeledRepeats), then the pseudo-labeled ones. */
export function roundLines<T>(labeled: readonly T[], pseudo: readonly T[], share: number): T[] {
  const repeats = labeledRepeats(labeled.length, pseudo.length, share);
  return [...Array.from({ length: repeats }, () => labeled).flat(), ...pseudo];
}

function validate(o: SelfTrainingOptions, labeled: number): void {
  // With the first round on the labeled lines alone, one round would read nothing: plain fine-tuning.
  const least = o.labeledFirst ? 2 : 1;
  if (!Number.isInteger(o.rounds) || o.rounds < least)
    throw new Error(
      `rounds must be a whole number ≥ ${least}${o.labeledFirst ? ' (the first trains on the labeled lines alone)' : ''}, not ${o.rounds}`,
    );
  if (!(o.threshold >= 0 && o.threshold <= 1)) throw new Error(`threshold must be in [0, 1], not ${o.threshold}`);
  if (!(o.pseudoWeight >= 0 && o.pseudoWeight < 1))
    throw new Error(`pseudo-label weight must be in [0, 1) (below a human label's), not ${o.pseudoWeight}`);
  if (!(o.labeledShare >= 0 && o.labeledShare < 1)) throw new Error(`labeled share must be in [0, 1), not ${o.labeledShare}`);
  const steps = typeof o.stepsPerRound === 'number' ? [o.stepsPerRound] : o.stepsPerRound;
  if (typeof o.stepsPerRound !== 'number' && steps.length !== o.rounds)
    throw new Error(`steps per round: ${steps.length} given for ${o.rounds} rounds`);
  if (!steps.every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`steps per round must be whole numbers ≥ 1, not ${steps}`);
  if (labeled === 0) throw new Error('self-training needs some human-labeled lines');
}

const augmenter = (name: PipelineName | 'none') =>
  name === 'none' ? undefined : (image: LineTensor, rng: Rng) => augmentView(image, rng, 1, PIPELINES[name]);

/**
 * Self-training rounds on `model` (changed in place). `data.unlabeled` must be the same
 * lines, in the same order, when resuming: a checkpoint names its pseudo-labels by id.
 */
export async function selfTrain(
  model: Recognizer,
  codec: Codec,
  data: { labeled: Sample[]; unlabeled: readonly UnlabeledLine[]; validation?: Sample[] },
  options: Partial<SelfTrainingOptions> = {},
): Promise<SelfTrainingResult> {
  const o: SelfTrainingOptions = { ...DEFAULT_SELF_TRAINING, ...options, train: { ...DEFAULT_SELF_TRAINING.train, ...options.train } };
  validate(o, data.labeled.length);
  const byId = new Map(data.unlabeled.map((l) => [l.id, l]));
  if (byId.size !== data.unlabeled.length) throw new Error('unlabeled line ids must be unique');
  const state: SelfTrainingState = o.resume
    ? { round: o.resume.round, rounds: o.resume.rounds.map((r) => ({ ...r })), train: o.resume.train }
    : { round: 0, rounds: [], train: emptyTrainState() };
  const snapshot = (train: TrainState): SelfTrainingState => ({ round: state.round, rounds: state.rounds.map((r) => ({ ...r })), train });
  // Pseudo-labeled samples are recognised by identity, so a caller's own Sample.weight on
  // labeled lines cannot make them look like pseudo-labels (or the reverse).
  const pseudoSamples = new WeakSet<Sample>();
  const labeledAugment = augmenter(o.labeledAugmentation);
  const pseudoAugment = augmenter(o.pseudoAugmentation);
  const augment = (image: LineTensor, rng: Rng, sample: Sample) => {
    const f = pseudoSamples.has(sample) ? pseudoAugment : labeledAugment;
    return f ? f(image, rng) : image;
  };
  const baseSeed = o.train.seed ?? DEFAULT_TRAIN_OPTIONS.seed;
  let last: TrainResult | undefined;

  while (state.round < o.rounds) {
    const round = state.round;
    if (state.rounds.length === round && round === 0 && o.labeledFirst) {
      state.rounds.push({ round, read: 0, pseudoLabels: [] });
      state.train = emptyTrainState();
    } else if (state.rounds.length === round) {
      const readings = await readLinesOnce(
        model,
        codec,
        currentBackend()?.name ?? 'cpu',
        data.unlabeled.map((l) => l.image),
        {
          threads: o.train.threads ?? 1,
          batchSize: o.readBatchSize,
          decoding: o.decoding,
          control: {
            signal: o.signal,
            onBatch: (done) => o.onProgress?.({ phase: 'read', round, rounds: o.rounds, done, total: data.unlabeled.length }),
          },
        },
      );
      if (!readings) {
        o.onCheckpoint?.(snapshot(state.train));
        return { status: 'cancelled', rounds: state.rounds, train: last };
      }
      state.rounds.push({ round, read: data.unlabeled.length, pseudoLabels: selectPseudoLabels(data.unlabeled, readings, o.threshold) });
      state.train = emptyTrainState();
      // Reading the archive is slow: a kill during this round's training never repeats it.
      o.onCheckpoint?.(snapshot(state.train));
    }
    const record = state.rounds[round];
    // On resume, a line pseudo-labeled before the interruption may have been transcribed by
    // someone since (it is then no longer unlabeled): the person's text wins, the model's
    // reading of it is withdrawn from this round and from the record.
    record.pseudoLabels = record.pseudoLabels.filter((p) => byId.has(p.id));
    const pseudo = record.pseudoLabels.map((p): Sample => {
      const sample: Sample = { image: byId.get(p.id)!.image, text: p.text, weight: o.pseudoWeight };
      pseudoSamples.add(sample);
      return sample;
    });
    const result = await train(
      model,
      codec,
      { train: new ArraySource(roundLines(data.labeled, pseudo, o.labeledShare)), validation: data.validation },
      {
        ...o.train,
        steps: stepsOfRound(o, round),
        // A different seed per round: other batches, dropout masks and augmentations.
        seed: baseSeed + round,
        augment,
        signal: o.signal,
        checkpointEvery: o.checkpointEvery,
        // A round that had not trained yet starts fresh (its checkpoint holds no Adam moments).
        resume: state.train.step > 0 ? state.train : undefined,
        onCheckpoint: (t) => o.onCheckpoint?.(snapshot(t)),
        onProgress: (p) => o.onProgress?.({ phase: 'train', round, rounds: o.rounds, ...p }),
      },
    );
    last = result;
    if (result.status === 'cancelled') return { status: 'cancelled', rounds: state.rounds, train: result, validation: result.validation };
    // bestCer, not the last validation: it is the CER of the weights the round ends on (train() restores the best).
    Object.assign(record, { steps: result.state.step, status: result.status, validationCer: result.state.bestCer });
    state.round = round + 1;
    state.train = emptyTrainState();
    // The round's final weights (early stopping may have restored its best): the next
    // round's reading starts from them, also after a kill.
    if (state.round < o.rounds) o.onCheckpoint?.(snapshot(state.train));
  }
  return { status: 'done', rounds: state.rounds, train: last, validation: last?.validation };
}

/** A run's budget of `steps` split over its rounds, the first ones taking the remainder; at least 1 each. */
export function roundSteps(steps: number, rounds: number): number[] {
  return Array.from({ length: rounds }, (_, i) => Math.max(1, Math.floor(steps / rounds) + (i < steps % rounds ? 1 : 0)));
}

/** The steps of the rounds before `round` (where a run's step count stands when that round starts). */
export const stepsBefore = (perRound: readonly number[], round: number) => perRound.slice(0, round).reduce((a, n) => a + n, 0);

const stepsOfRound = (o: SelfTrainingOptions, round: number) =>
  typeof o.stepsPerRound === 'number' ? o.stepsPerRound : o.stepsPerRound[round];

/**
 * At most `max` of the unlabeled line ids, chosen by a hash of (seed, id): each line's
 * place depends on itself only, so when some lines get transcribed between a kill and a
 * resume the others stay chosen. Bounds the memory and reading time of each round.
 */
export function sampleUnlabeled<T extends LineId>(ids: readonly T[], seed: number, max: number): T[] {
  if (ids.length <= max) return [...ids];
  const rank = (id: LineId) => {
    let h = (seed * 2654435761) >>> 0;
    for (const ch of String(id)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    return Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
  };
  const chosen = new Set([...ids].sort((a, b) => rank(a) - rank(b) || String(a).localeCompare(String(b))).slice(0, max));
  return ids.filter((id) => chosen.has(id));
}
