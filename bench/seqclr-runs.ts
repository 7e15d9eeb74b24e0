// What the SeqCLR experiment (bench/experiment-seqclr.ts) compares, and where it keeps what it
// has finished: every (seed, method) run and every pretrained encoder is a file in
// out/seqclr-runs/ named by a hash of exactly the settings that decide its numbers. A later
// invocation with other settings then re-uses what those settings do not touch (the
// supervised baseline, or the encoder when only fine-tuning changes), and an interrupted
// grid resumes. A key that changes by accident orphans hours of runs: test/unit/bench pins them.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RecognizerConfig } from '../main/ml/model.ts';
import type { Mapping } from '../main/ml/seqclr/instances.ts';
import type { PipelineName } from '../shared/pretraining-options.ts';
import { TRAINING_FONTS } from './synth/handwriting.ts';

/** A method pretrains with `mapping`; without one it starts from random weights (`probe`: only to be probed, never fine-tuned). */
export interface Method {
  name: string;
  mapping?: Mapping;
  probe?: boolean;
}
export const ALL_METHODS: Method[] = [
  { name: 'supervised only' },
  { name: 'SimCLR (all-to-instance)', mapping: { kind: 'all' } },
  { name: 'SeqCLR frame-to-instance', mapping: { kind: 'frame' } },
  { name: "SeqCLR window-to-instance T'=5", mapping: { kind: 'window', instances: 5 } },
  { name: "SeqCLR window-to-instance T'=10", mapping: { kind: 'window', instances: 10 } },
  // The floor for decoder evaluation: what a linear layer reads from an encoder that was never trained.
  { name: 'random encoder, no pretraining', probe: true },
];

/** What is trained after pretraining: the decoder on a frozen encoder, everything, or the decoder first and then everything. */
export type Mode = 'decoder' | 'finetune' | 'lpft';

// A smaller network than DEFAULT_CONFIG, so that the grid of runs fits a CPU.
export const NETWORK: Omit<RecognizerConfig, 'classes'> = {
  height: 32,
  conv: [
    { filters: 16, pool: [2, 2] },
    { filters: 32, pool: [2, 2] },
    { filters: 48, pool: [2, 1] },
    { filters: 64, pool: [2, 1] },
  ],
  lstmUnits: 96,
  lstmLayers: 2,
  dropout: 0.2,
};

/** Everything of one invocation that decides a run's numbers (besides seed and method). */
export interface ExperimentSettings {
  total: number;
  /** Training hands the lines are written in. */
  hands: number;
  pretrainSteps: number;
  augmentations: PipelineName;
  augmentStrength: number;
  temperature: number;
  finetuneSteps: number;
  probeSteps: number;
  fractions: number[];
  modes: Mode[];
}

/**
 * The modes a method is run in. Decoder evaluation and probing need a pretrained encoder:
 * supervised only is trained from scratch (mode 'finetune') whenever any fine-tuning is
 * asked for, and nothing else; the random encoder is only ever probed (its fine-tuning is
 * supervised only).
 */
export const modesOf = (m: Method, modes: Mode[]): Mode[] =>
  m.mapping ? modes : m.probe ? modes.filter((x) => x === 'decoder') : modes.some((x) => x !== 'decoder') ? ['finetune'] : [];

// Settings that joined later are left out of a key while they have their first value, so
// that the runs cached before they existed still count: the mild pipeline, the ten hands,
// the probe length (only lpft has one).
const dataKey = (s: ExperimentSettings) => ({ total: s.total, ...(s.hands === TRAINING_FONTS.length ? {} : { hands: s.hands }) });
const pretraining = (s: ExperimentSettings, m: Method) =>
  m.mapping
    ? {
        pretrainSteps: s.pretrainSteps,
        augmentStrength: s.augmentStrength,
        temperature: s.temperature,
        mapping: m.mapping,
        ...(s.augmentations === 'mild' ? {} : { augmentations: s.augmentations }),
      }
    : null;
const hashOf = (settings: object) => createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);

/** The results of one (seed, method) over all fractions and modes (method numbered from 1, as in --methods). */
export function runFile(s: ExperimentSettings, seed: number, method: number): string {
  const m = ALL_METHODS[method - 1];
  const modes = modesOf(m, s.modes);
  const settings = {
    ...dataKey(s),
    finetuneSteps: s.finetuneSteps,
    fractions: s.fractions,
    NETWORK,
    seed,
    method: m.name,
    modes,
    pretraining: pretraining(s, m),
    ...(modes.includes('lpft') ? { probeSteps: s.probeSteps } : {}),
  };
  return join('out', 'seqclr-runs', `method-${method}-seed-${seed}-${hashOf(settings)}.json`);
}

/** The pretrained network of one (seed, method): everything that decides pretraining, nothing of fine-tuning. */
export function encoderFile(s: ExperimentSettings, seed: number, method: number): string {
  const m = ALL_METHODS[method - 1];
  return join(
    'out',
    'seqclr-runs',
    `encoder-${method}-seed-${seed}-${hashOf({ ...dataKey(s), NETWORK, seed, pretraining: pretraining(s, m) })}.qmodel`,
  );
}
