// Training defaults, named once: the API's schema fills them in, the CLI's options and the
// Training panel start from them, and main/ml's training loops use them when a caller
// leaves a value out. (Threads are the server's to choose: jobs/training-runs.ts.)
export const TRAINING_DEFAULTS = {
  steps: 2000,
  batchSize: 16,
  seed: 1,
  /** Steps between resumable checkpoints of a job. */
  checkpointEvery: 50,
  /** SeqCLR window-to-instance: instances per line. */
  instances: 5,
  /** Validations without a better CER before fine-tuning stops early. */
  patience: 5,
} as const;

/**
 * Steps between validations of a training job: `times` per run (a job's curve then has the
 * same number of points whatever its length), never more often than every 10 steps.
 */
export const validateEvery = (steps: number, times = 20) => Math.max(10, Math.round(steps / times));

/**
 * Fine-tuning the line segmenter (jobs/segmenter-training.ts): few steps, since it adjusts
 * the bundled model to a project's pages rather than training one. Steps and rate were chosen
 * with `npm run bench:segmentation -- --finetune 3,10 --tuning prose` (docs/results/segmentation.md,
 * K-page protocol): 100 steps at 10⁻³ did as well as 200 at 2·10⁻⁴, in half the time.
 */
export const SEGMENTER_TRAINING_DEFAULTS = {
  steps: 100,
  /** Crops per step, and their side in pixels of the model's page (a multiple of the network's stride). */
  batchSize: 4,
  crop: 288,
  /** Half the from-scratch rate (main/ml/seg-train.ts), with warm-up and cosine decay over the few steps. */
  learningRate: 1e-3,
} as const;
