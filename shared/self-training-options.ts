// The defaults of semi-supervised fine-tuning (self-training), named once: the engine
// (main/ml/self-training.ts), the API schema, the CLI and the Training panel read them here.
//
// Three rounds: the gains of self-training come mostly in the first two or three (later
// rounds mostly re-select the same lines), and each round reads the whole archive again.
// Threshold 0.9 on a reading's line confidence (the mean posterior of its characters): high
// enough that a chosen reading is mostly right, low enough that a model still learning the
// hand gets some lines in round one. Weight 0.5: a wrong pseudo-label costs half what a
// wrong human label would, so human lines keep the upper hand where the two disagree. All
// three are starting points for the few-labels experiment to tune, not measured optima.
export const SELF_TRAINING_DEFAULTS = { rounds: 3, threshold: 0.9, pseudoWeight: 0.5 } as const;

/**
 * Whether the Training panel offers fine-tuning with self-training checked. Not yet: in the
 * few-labels experiment (docs/results/few-labels.md; peraire, 100 labels, 1,000 steps, one
 * seed) it gave 24.8 % CER against plain fine-tuning's 24.2 %, at several times the time
 * (each round reads every unlabeled line; at threshold 0.9 only 35–95 of 1,000 readings
 * were confident enough to join). It stays one click away until a setting earns its place.
 */
export const SEMI_SUPERVISED_BY_DEFAULT = false;

/** Upper bound on rounds accepted from the API and CLI (each round reads every unlabeled line). */
export const MAX_SELF_TRAINING_ROUNDS = 20;

/**
 * Unlabeled lines one semi-supervised job reads and may train on: a sample of this many
 * where a project has more. Each is held in memory as a float image (~100 kB at 48 px), and
 * every round reads them all, so an archive of 10⁵ lines must not come in whole.
 */
export const MAX_UNLABELED_LINES = 4000;
