// One LSTM direction as plain tfjs ops, differentiated by tfjs's tape. Used where the fused
// op (lstm-fused.ts) cannot run: it reads tensors synchronously inside the tape, which
// Node's WebGPU backend cannot do. Per frame this costs ~12 kernels forward and ~30
// backward, which is why CPU backends use the fused op; on a GPU the kernels queue up
// without a round trip to the host. Same semantics as lstmFused, tested against it:
// gate order i, f, g, o; outputs zero at padded frames; the right-to-left pass also masks
// its state, so it stays zero until the first real frame.
import * as tf from '@tensorflow/tfjs';

/** x [N,T,F], mask [N,T] → hidden states [N,T,U]. */
export function lstmOps(
  x: tf.Tensor3D,
  mask: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrent: tf.Tensor2D,
  bias: tf.Tensor1D,
  reverse: boolean,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [N, T, F] = x.shape;
    const U = recurrent.shape[0];
    const proj = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [N * T, F]), kernel), bias), [N, T, 4 * U]);
    const frames = tf.unstack(proj, 1) as tf.Tensor2D[];
    const masks = tf.unstack(tf.reshape(mask, [N, T, 1]), 1) as tf.Tensor2D[];
    const outs: tf.Tensor2D[] = new Array(T);
    let h: tf.Tensor2D = tf.zeros([N, U]);
    let c: tf.Tensor2D = tf.zeros([N, U]);
    for (let k = 0; k < T; k++) {
      const t = reverse ? T - 1 - k : k;
      const z = k === 0 ? frames[t] : tf.add(frames[t], tf.matMul(h, recurrent));
      const [zi, zf, zg, zo] = tf.split(z, 4, 1);
      const cRaw = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
      const hRaw = tf.mul(tf.sigmoid(zo), tf.tanh(cRaw));
      outs[t] = tf.mul(hRaw, masks[t]) as tf.Tensor2D;
      c = (reverse ? tf.mul(cRaw, masks[t]) : cRaw) as tf.Tensor2D;
      h = (reverse ? outs[t] : hRaw) as tf.Tensor2D;
    }
    return tf.stack(outs, 1) as tf.Tensor3D;
  });
}
