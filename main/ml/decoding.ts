// How readings are decoded from the posteriors, as a plain value that travels to reading
// workers: a beam width alone (best path at 1), or beam search fused with a language model
// given by its file and the project's own transcriptions. Each reader turns the value into
// a decoder once and keeps it (loading a model and counting a project's lines are not free;
// readers are asked batch after batch with the same value).
import { createHash } from 'node:crypto';
import { CharLm, MixedLm } from './char-lm.ts';
import type { Codec } from './codec.ts';
import { greedyDecode, type Decoded, type Posteriors } from './decode.ts';
import { beamDecode, lmBeamDecode, type LanguageScorer } from './lm-decode.ts';

export interface LanguageModelSpec {
  /** The general model (.qlm). */
  file: string;
  /** The project's transcriptions, mixed in at `projectShare`. */
  projectTexts: readonly string[];
  projectShare: number;
  weight: number;
  bonus: number;
  beamWidth: number;
}

/** A beam width (1: best path), or beam search with a language model. */
export type Decoding = number | { languageModel: LanguageModelSpec };

export type Decoder = (p: Posteriors) => Decoded;

const generalModels = new Map<string, CharLm>();
let lastScorer: { key: string; scorer: LanguageScorer } | undefined;

function scorerFor(spec: LanguageModelSpec): LanguageScorer {
  const mixed = spec.projectShare > 0 && spec.projectTexts.length > 0;
  let key = spec.file;
  if (mixed) {
    const hash = createHash('sha256');
    for (const t of spec.projectTexts) hash.update(t).update('\n');
    key += `\n${spec.projectShare}\n${hash.digest('hex')}`;
  }
  if (lastScorer?.key === key) return lastScorer.scorer;
  let general = generalModels.get(spec.file);
  if (!general) generalModels.set(spec.file, (general = CharLm.load(spec.file)));
  const scorer = mixed ? new MixedLm(general, CharLm.train(spec.projectTexts, general.order), spec.projectShare) : general;
  lastScorer = { key, scorer };
  return scorer;
}

export function decoderFor(decoding: Decoding, codec: Codec): Decoder {
  if (typeof decoding === 'number') return decoding > 1 ? (p) => beamDecode(p, decoding) : (p) => greedyDecode(p);
  const spec = decoding.languageModel;
  const lm = scorerFor(spec);
  const chars = ['', ...codec.chars];
  return (p) => lmBeamDecode(p, { lm, chars, weight: spec.weight, bonus: spec.bonus, beamWidth: spec.beamWidth });
}
