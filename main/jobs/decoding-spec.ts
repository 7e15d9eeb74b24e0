// What a transcription job decodes with: a beam width, or the bundled language model mixed
// with the project's own transcriptions (issue #14: the language settles letters a hand
// leaves open). The project's texts are those of its training and validation lines, never
// its test split, so an evaluation with the same decoding would not read its own answers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LANGUAGE_MODEL_DEFAULTS, type LanguageModelSettings } from '../../shared/decoding-options.ts';
import type { Decoding } from '../ml/decoding.ts';
import { labeledLines } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';

export const BASE_LANGUAGE_MODEL_FILE = fileURLToPath(new URL('../../resources/models/base.qlm', import.meta.url));

export function decodingFor(
  project: Project,
  config: { beamWidth?: number; languageModel?: boolean },
  d: LanguageModelSettings = LANGUAGE_MODEL_DEFAULTS,
): Decoding {
  if (!config.languageModel) return config.beamWidth ?? 1;
  if (!existsSync(BASE_LANGUAGE_MODEL_FILE)) throw new Error(`the bundled language model is missing (${BASE_LANGUAGE_MODEL_FILE})`);
  return {
    languageModel: {
      file: BASE_LANGUAGE_MODEL_FILE,
      // Sent to every reader with each batch: only when they are mixed in.
      projectTexts: d.projectShare > 0 ? labeledLines(project, ['train', 'validation']).map((l) => l.text) : [],
      projectShare: d.projectShare,
      weight: d.weight,
      bonus: d.bonus,
      beamWidth: Math.max(config.beamWidth ?? 1, d.beamWidth),
    },
  };
}
