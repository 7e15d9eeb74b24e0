// Decoding with the language model (main/ml/lm-decode.ts): its weight against the
// recognizer, the bonus per character that offsets its preference for short lines, the
// share of the project's own transcriptions mixed into the bundled model, and the beam.
// Chosen on held-out collections' pool lines, never their test lines
// (docs/results/language-model.md).
export const LANGUAGE_MODEL_DEFAULTS = {
  weight: 0.2,
  bonus: 1,
  projectShare: 0.3,
  beamWidth: 8,
} as const;

// Off until the few-labels experiment shows the language model helps on held-out
// collections after fine-tuning (docs/results/language-model.md), as self-training was.
export const LANGUAGE_MODEL_BY_DEFAULT = false;
