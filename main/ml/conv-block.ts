// One convolution layer of the recognizer (3×3 "same" conv + bias + ReLU) as a single
// differentiable op. Under a gradient tape tfjs splits tf.fused.conv2d into conv, add and
// relu, keeps each output alive until the backward pass, and computes the ReLU gradient as
// step(x)·dy and the bias gradient through a full transpose. At 48×1200 the first layer's
// activations are 113 MB a batch of 16, so that came to ~7 copies of them at the peak of
// the backward pass. Here the forward pass is the one fused kernel, only its output y is
// kept (ReLU's gradient needs only y > 0), and the bias gradient is a matrix product with
// a row of ones (no transpose). Same values and gradients as the composition (tested).
import * as tf from '@tensorflow/tfjs';

const CONV = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as const;

/**
 * relu(conv2d(x, filter, 'same') + bias) for x [N,H,W,C]. `inputGrad` false skips dx (the
 * first layer's input is the image, which needs no gradient); dx is then reported as zeros.
 */
export function convBiasRelu(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, inputGrad = true): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, fIn, bIn] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    // runKernel, not tf.fused.conv2d: the op would split itself again under the tape.
    const y = tf
      .engine()
      .runKernel('FusedConv2D', { x: xIn, filter: fIn, bias: bIn }, { ...CONV, activation: 'relu' } as never) as tf.Tensor4D;
    save([xIn, fIn, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs, ys] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const dz = tf.tidy(() => tf.mul(dy, tf.step(ys)));
        const [N, H, W, CO] = dz.shape;
        const dFilter = tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x: xs, dy: dz }, { ...CONV, filterShape: fs.shape } as never) as tf.Tensor;
        const dBias = tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, N * H * W]), tf.reshape(dz, [N * H * W, CO])), [CO]));
        const dx = inputGrad
          ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: fs }, { ...CONV, inputShape: xs.shape } as never) as tf.Tensor)
          : tf.zerosLike(xs);
        dz.dispose();
        return [dx, dFilter, dBias];
      },
    };
  });
  return op(x, filter, bias) as tf.Tensor4D;
}
