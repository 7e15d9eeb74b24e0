// What a transcription job decodes with: a beam width, or the bundled language model mixed
// with the project's own transcriptions (issue #14: the language settles letters a hand
// leaves open). The project's texts are those of its training and validation lines, never
// its test split, so an evaluation with the same decoding would not read its own answers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LANGUAGE_MODEL_DEFAULTS, type LanguageModelSettings } from '../../shared/decoding-options.ts';
import type { Decoding } from '../ml/decoding.ts';
import { dataset } from '../db/dataset.ts';
import { perform } from '../db/execute.ts';
import { step, type Program } from '../db/ops.ts';
import type { Project } from '../project/project.ts';
import type { Split } from '../../shared/api.ts';

export const BASE_LANGUAGE_MODEL_FILE = fileURLToPath(new URL('../../resources/models/base.qlm', import.meta.url));

export const decodingFor = (
  project: Project,
  config: { beamWidth?: number; languageModel?: boolean },
  d: LanguageModelSettings = LANGUAGE_MODEL_DEFAULTS,
): Decoding => perform(project.db, decodingOp(config, d));

/**
 * decodingFor as a program, for either store: the project's texts are read only when they
 * are mixed in. `textSplits`: whose texts (a self-training teacher mixes in the train split's
 * only, so its targets do not lean on the validation lines that judge the student).
 */
export function* decodingOp(
  config: { beamWidth?: number; languageModel?: boolean },
  d: LanguageModelSettings = LANGUAGE_MODEL_DEFAULTS,
  textSplits: readonly Split[] = ['train', 'validation'],
): Program<Decoding> {
  if (!config.languageModel) return config.beamWidth ?? 1;
  if (!existsSync(BASE_LANGUAGE_MODEL_FILE)) throw new Error(`the bundled language model is missing (${BASE_LANGUAGE_MODEL_FILE})`);
  const texts = d.projectShare > 0 ? yield* step(dataset.labeledLineRows()) : [];
  return {
    languageModel: {
      file: BASE_LANGUAGE_MODEL_FILE,
      // Sent to every reader with each batch: only when they are mixed in.
      projectTexts: texts.filter((l) => textSplits.includes(l.split)).map((l) => l.text),
      projectShare: d.projectShare,
      weight: d.weight,
      bonus: d.bonus,
      beamWidth: Math.max(config.beamWidth ?? 1, d.beamWidth),
    },
  };
}
