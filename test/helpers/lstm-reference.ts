// Reference LSTM written with plain tfjs ops and autograd: the fused LSTM in main/ml/lstm-fused.ts
// must agree with it in values and gradients. (This was the first implementation.)
// A bidirectional LSTM written with tfjs-core ops, so that gradients flow through the
// registered kernels of whichever backend runs it, and so that padded batches behave:
// lines are padded at the end, so only the right-to-left pass can see padding. It starts
// from a zero state, and multiplying its state by the frame mask keeps that state at zero
// until the first real frame; the left-to-right pass never reads its padded outputs.
import * as tf from '@tensorflow/tfjs';

export interface LstmWeights {
  /** Input projection [F, 4U], gate order i, f, g, o. */
  kernel: tf.Variable;
  /** Recurrent projection [U, 4U]. */
  recurrent: tf.Variable;
  /** Bias [4U]; the forget gate starts at 1 so early gradients survive. */
  bias: tf.Variable;
}

/**
 * One direction over x [N, T, F] with mask [N, T] (1 for real frames).
 * Returns the hidden states [N, T, U], zero at padded frames.
 */
export function lstmDirection(x: tf.Tensor3D, mask: tf.Tensor2D, w: LstmWeights, reverse: boolean): tf.Tensor3D {
  const [N, T, F] = x.shape;
  const U = w.recurrent.shape[0];
  // Project every frame at once: one large matrix product instead of T small ones.
  const projected = tf.add(tf.matMul(tf.reshape(x, [N * T, F]), w.kernel), w.bias);
  const steps = tf.unstack(tf.transpose(tf.reshape(projected, [N, T, 4 * U]), [1, 0, 2]));
  const maskSteps = tf.unstack(tf.transpose(tf.reshape(mask, [N, T, 1]), [1, 0, 2]));
  let h: tf.Tensor2D = tf.zeros([N, U]);
  let c: tf.Tensor2D = tf.zeros([N, U]);
  const outputs: tf.Tensor2D[] = new Array(T);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const z = tf.add(steps[t], tf.matMul(h, w.recurrent));
    const [zi, zf, zg, zo] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
    h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
    if (reverse) {
      c = tf.mul(c, maskSteps[t]);
      h = tf.mul(h, maskSteps[t]);
    }
    outputs[t] = h;
  }
  const out = tf.stack(outputs, 1) as tf.Tensor3D;
  return reverse ? out : tf.mul(out, tf.reshape(mask, [N, T, 1]));
}
