// A small recognizer and a small generated dataset, for training tests that must run in
// seconds on two cores.
import type { Sample } from '../../main/ml/data.ts';
import { toLineTensor } from '../../main/ml/line-image.ts';
import type { RecognizerConfig } from '../../main/ml/model.ts';
import { synthLine, syntheticCharset } from '../../bench/synth/handwriting.ts';

export const TINY: Omit<RecognizerConfig, 'classes'> = {
  height: 32,
  conv: [
    { filters: 8, pool: [2, 2] },
    { filters: 16, pool: [2, 2] },
    { filters: 16, pool: [2, 1] },
    { filters: 24, pool: [2, 1] },
  ],
  lstmUnits: 32,
  lstmLayers: 1,
  dropout: 0.1,
};

export const tinyCodec = syntheticCharset;

export function tinyLines(count: number, seed = 7): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const l = synthLine(seed, i, { minWords: 1, maxWords: 2, digitShare: 0.2 });
    return { text: l.text, image: toLineTensor(l.image, TINY.height) };
  });
}
