// The defaults of semi-supervised fine-tuning (self-training), named once: the engine
// (main/ml/self-training.ts), the API schema, the CLI and the Training panel read them here.
//
// Two rounds, the first on the human-labeled lines alone (the teacher), the second with
// the teacher's confident readings of the unlabeled lines added (the student, its
// machine-read lines augmented like the human ones, as in Noisy Student): the setting the
// few-labels experiment measured best (docs/results/few-labels.md, third sitting: peraire,
// 100 labels, 1,000 steps, one seed: 18.7 % CER against plain fine-tuning's 21.1 %, for
// 1.2x the time). Threshold 0.85 on a reading's line confidence (the mean posterior of its
// characters), chosen on the held-out collections' pool lines, never their test lines
// (bench/real/confidence-calibration.ts): at 0.9 the base model is sure of 4-10 % of the
// lines, at 0.85 of 19-34 % with 13-15 % CER, and the fine-tuned teacher of 77 %. Weight
// 0.5: a wrong pseudo-label costs half what a wrong human label would, so human lines keep
// the upper hand where the two disagree.
//
// The teacher reads the unlabeled lines with the bundled language model mixed with the
// project's transcriptions (as a transcription job with the language model reads), so its
// targets carry the 8-12 % fewer errors the language model buys; every few-labels figure
// since the fifth sitting (the `semi-lm` row: peraire 10.7 % CER from 100 labels, lines cut
// along their baselines) was measured this way. Reading that way is slower (a beam of 8).
export const SELF_TRAINING_DEFAULTS = { rounds: 2, threshold: 0.85, pseudoWeight: 0.5, languageModel: true } as const;

/**
 * Whether the Training panel offers fine-tuning with self-training checked: yes, since it
 * beat plain fine-tuning in the few-labels experiment (above; one seed on one collection —
 * the first sitting's variant, reading with the base model before any training and without
 * augmenting the machine-read lines, did not: 24.8 % against 24.2 %).
 */
export const SEMI_SUPERVISED_BY_DEFAULT = true;

/**
 * Bounds on rounds accepted from the API, the CLI and the panel. At least two: the first
 * round trains on the labeled lines alone, so one round would be plain fine-tuning recorded
 * as semi-supervised. At most 20: each later round reads every unlabeled line.
 */
export const MIN_SELF_TRAINING_ROUNDS = 2;
export const MAX_SELF_TRAINING_ROUNDS = 20;

/**
 * Unlabeled lines one semi-supervised job reads and may train on: a sample of this many
 * where a project has more. Each is held in memory as a float image (~100 kB at 48 px), and
 * every round reads them all, so an archive of 10⁵ lines must not come in whole.
 */
export const MAX_UNLABELED_LINES = 4000;
