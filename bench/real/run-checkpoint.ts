// Checkpoints of one few-labels run (few-labels-rows.ts), so a run of hours that a session's
// end or a kill interrupts continues where it was instead of starting again: the weights,
// the training state of the stage in progress (SeqCLR pretraining, fine-tuning or
// self-training, each resumable on its own), which stage that is, and the run's seconds
// so far. One file, written atomically by saveTrainingCheckpoint (temp + rename).
import { existsSync, rmSync } from 'node:fs';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, type TrainingCheckpointState } from '../../main/ml/checkpoint.ts';
import type { Codec } from '../../main/ml/codec.ts';
import type { Recognizer } from '../../main/ml/model.ts';

/** The stages a row runs through, in order: pretrain before train or semi. */
export type Stage = 'pretrain' | 'train' | 'semi';

export interface RunCheckpoint {
  stage: Stage;
  /** The stage's state; step 0 (and no self-training record): the stage has not started. */
  state: TrainingCheckpointState;
  /** Wall-clock seconds the run had taken when this was written, over every sitting. */
  seconds: number;
  model: Recognizer;
  codec: Codec;
}

/** Where and how often a run checkpoints, the checkpoint it resumes from, and where its progress goes. */
export interface RunControl {
  path: string;
  /** Steps between checkpoints within a stage (a checkpoint is also written between stages). */
  every: number;
  /** The run's seconds so far, every sitting included (stored with each checkpoint). */
  seconds: () => number;
  resume?: RunCheckpoint;
  /** A line of progress every PROGRESS_EVERY steps of a stage (the experiment prints them). */
  log?: (line: string) => void;
}

const PROGRESS_EVERY = 50;

/** onProgress for a stage's training loop: a line every PROGRESS_EVERY steps into `c.log`. */
export function progressLog(c: RunControl | undefined, stage: Stage) {
  const log = c?.log;
  if (!log) return undefined;
  return (p: { step: number; steps: number; loss: number; linesPerSecond: number }) => {
    if (p.step % PROGRESS_EVERY === 0 || p.step === p.steps)
      log(`${stage} step ${p.step}/${p.steps}: loss ${p.loss.toFixed(3)}, ${p.linesPerSecond.toFixed(1)} lines/s`);
  };
}

/** Extra fields kept in the checkpoint's training header beside the loop's state. */
interface Staged {
  fewLabelsStage: Stage;
  fewLabelsSeconds: number;
}

export function saveRunCheckpoint(c: RunControl, stage: Stage, model: Recognizer, codec: Codec, state: TrainingCheckpointState): void {
  const staged: TrainingCheckpointState & Staged = { ...state, fewLabelsStage: stage, fewLabelsSeconds: Math.round(c.seconds()) };
  saveTrainingCheckpoint(c.path, model, codec, staged);
}

/** The run's checkpoint at `path`, or undefined when there is none. */
export function loadRunCheckpoint(path: string): RunCheckpoint | undefined {
  if (!existsSync(path)) return undefined;
  const { model, codec, state } = loadTrainingCheckpoint(path);
  const { fewLabelsStage, fewLabelsSeconds, ...rest } = state as TrainingCheckpointState & Partial<Staged>;
  if (!fewLabelsStage) throw new Error(`${path}: not a few-labels run checkpoint (no stage recorded)`);
  return { stage: fewLabelsStage, state: rest, seconds: fewLabelsSeconds ?? 0, model, codec };
}

export function removeRunCheckpoint(path: string): void {
  rmSync(path, { force: true });
}

/** A stage's state to resume from: only when the checkpoint is in that stage and it had started. */
export function resumeOf(c: RunControl | undefined, stage: Stage): TrainingCheckpointState | undefined {
  const r = c?.resume;
  if (!r || r.stage !== stage) return undefined;
  return r.state.step > 0 || r.state.selfTraining ? r.state : undefined;
}

/** Whether a stage is already behind the checkpoint (it then is skipped). */
export function stageDone(c: RunControl | undefined, stage: Stage, order: readonly Stage[]): boolean {
  const r = c?.resume;
  return !!r && order.indexOf(stage) < order.indexOf(r.stage);
}
