// The resumable state of a training run, as the training loop keeps it and a checkpoint file
// stores it. Types only: checkpoint.ts, training-loop.ts and self-training.ts all describe
// the same record, and none of them needs to import another for it.
import type * as tf from '@tensorflow/tfjs';

/** How a run ended: all its steps, early stopping on validation, or a cancel. */
export type RunStatus = 'done' | 'stopped-early' | 'cancelled';

/** One step of the loss history; `cer` on steps that were validated. */
export interface HistoryEntry {
  step: number;
  loss: number;
  cer?: number;
  /** Set when the step's loss or gradients were not finite and the weights were left as they were. */
  skipped?: true;
}

/** Whatever identifies a line to the caller (a database id, a file name). */
export type LineId = number | string;

export interface PseudoLabel {
  id: LineId;
  /** The model's reading, used as the training target. */
  text: string;
  /** The reading's line confidence (decode.ts: mean posterior of its characters). */
  confidence: number;
}

/** A self-training round (self-training.ts). */
export interface RoundRecord {
  /** 0-based. */
  round: number;
  /** Unlabeled lines read in this round. */
  read: number;
  pseudoLabels: PseudoLabel[];
  /** Set when the round's training has ended. */
  steps?: number;
  status?: RunStatus;
  /** Validation CER of the weights the round ended on (null without validation). */
  validationCer?: number | null;
}

/** The resumable part of a training run, as the loop reports it in onCheckpoint. */
export interface TrainingCheckpointState {
  step: number;
  bestCer: number | null;
  sinceBest: number;
  history: HistoryEntry[];
  optimizer?: Map<string, tf.Tensor>;
  /** Weights outside the recognizer that the run needs to resume (SeqCLR's projection head). */
  extraWeights?: Map<string, tf.Tensor>;
  /**
   * The weights of the best validation so far, which early stopping and the end of the run
   * restore: without them a resumed run would end on its last weights instead. In
   * onCheckpoint these are the run's live tensors: persist them before it continues.
   */
  best?: Map<string, tf.Tensor>;
  /** Self-training around train(): the round in progress and the pseudo-labels so far. */
  selfTraining?: { round: number; rounds: RoundRecord[] };
}
