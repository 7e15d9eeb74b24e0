// NT-Xent over instances (SeqCLR, eq. 2–3): with Z = Za ∪ Zb (2M instances), instance i's
// positive is the same-index instance of the other view and every other instance of
// either view is a negative:
//   ℓ_i = −log( exp(sim(z_i, z_pos(i))/τ) / Σ_{j ≠ i} exp(sim(z_i, z_j)/τ) ),
// sim the cosine similarity. The loss is the mean of ℓ over all 2M instances.
import * as tf from '@tensorflow/tfjs';

export function ntXent(za: tf.Tensor2D, zb: tf.Tensor2D, temperature: number): tf.Scalar {
  const [M] = za.shape;
  if (zb.shape[0] !== M) throw new Error(`NT-Xent: views have ${M} and ${zb.shape[0]} instances`);
  if (M < 2) throw new Error('NT-Xent needs at least two instances per view (there would be no negatives)');
  return tf.tidy(() => {
    const z = tf.concat([za, zb], 0);
    const unit = tf.div(z, tf.add(tf.norm(z, 'euclidean', 1, true), 1e-8));
    const sim = tf.div(tf.matMul(unit, unit, false, true), temperature);
    // Exclude each instance from its own denominator.
    const self = tf.mul(tf.eye(2 * M), -1e9);
    const logits = tf.add(sim, self);
    const positive = tf.concat([tf.range(M, 2 * M, 1, 'int32'), tf.range(0, M, 1, 'int32')]);
    const target = tf.oneHot(positive, 2 * M);
    const positiveLogit = tf.sum(tf.mul(logits, target), 1);
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), positiveLogit)) as tf.Scalar;
  });
}
