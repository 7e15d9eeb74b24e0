// A small recognizer and a small generated dataset, for training tests that must run in
// seconds on two cores.
import type { Sample } from '../../main/ml/data.ts';
import { toLineTensor } from '../../main/ml/line-image.ts';
import { Recognizer, type RecognizerConfig } from '../../main/ml/model.ts';
import { initBackend } from '../../main/ml/backend.ts';
import { Codec } from '../../main/ml/codec.ts';
import { saveVersion, type ModelVersion } from '../../main/models/registry.ts';
import type { Project } from '../../main/project/project.ts';
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

/** A tiny untrained model saved as the project's version "tiny" (its readings are the test's to write). */
export async function saveTinyVersion(project: Project): Promise<ModelVersion> {
  await initBackend();
  const codec = new Codec([...'abcdefg ']);
  return saveVersion(project, new Recognizer({ ...TINY, classes: codec.classes }, 1), codec, {
    name: 'tiny',
    kind: 'finetune',
    parentId: null,
    config: {},
    metrics: {},
    trainingSet: [],
    backend: 'wasm',
    durationS: 1,
  });
}
