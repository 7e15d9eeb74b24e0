// Decoding with the language model (main/ml/lm-decode.ts): its weight against the
// recognizer, the bonus per character that offsets its preference for short lines, the
// share of the project's own transcriptions mixed into the bundled model, and the beam.
// Chosen on held-out collections' pool lines, never their test lines
// (docs/results/language-model.md): weight 0.2-0.4 with a bonus of 1-1.5 was best for the
// base model on both held-out collections and for a model fine-tuned on 100 labeled lines;
// mixing in the labeled lines' own model (share 0.1 or 0.3) never helped, so it is off.
export interface LanguageModelSettings {
  weight: number;
  bonus: number;
  projectShare: number;
  beamWidth: number;
}

export const LANGUAGE_MODEL_DEFAULTS: LanguageModelSettings = {
  weight: 0.3,
  bonus: 1,
  projectShare: 0,
  beamWidth: 8,
};

// The Training panel's transcription uses the language model unless unchecked: it took 8-12 %
// of the errors off on held-out collections (docs/results/language-model.md). A request
// through the API or `quire transcribe` asks for it explicitly (`languageModel`, `--lm`), so
// scripted runs keep reading exactly as before.
export const LANGUAGE_MODEL_BY_DEFAULT = true;
