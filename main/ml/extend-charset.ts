// Fine-tuning on labels with characters the model has never seen: the output layer grows
// by one column per new character. Learned columns are kept; new ones start small and
// random with a bias below the others, so the model's current readings are not disturbed.
import * as tf from '@tensorflow/tfjs';
import type { Codec } from './codec.ts';
import { Recognizer } from './model.ts';

export function extendCharset(model: Recognizer, from: Codec, to: Codec, seed = 1): Recognizer {
  if (to.chars.slice(0, from.chars.length).join('\u0000') !== from.chars.join('\u0000')) {
    throw new Error('the new charset must start with the old one (use Codec.extendedWith)');
  }
  const added = to.classes - from.classes;
  const grown = new Recognizer({ ...model.config, classes: to.classes }, seed);
  tf.tidy(() => {
    for (const [name, v] of model.weights) {
      const target = grown.weights.get(name)!;
      if (name === 'head/kernel') {
        target.assign(tf.concat([v, tf.randomNormal([v.shape[0], added], 0, 0.01, 'float32', seed)], 1));
      } else if (name === 'head/bias') {
        const lowest = tf.min(v);
        target.assign(tf.concat([v, tf.fill([added], lowest.dataSync()[0] - 1)]));
      } else {
        target.assign(v);
      }
    }
  });
  return grown;
}
