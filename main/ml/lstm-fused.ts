// One LSTM direction as a single differentiable op with hand-written backpropagation
// through time. Written with per-op tfjs calls, a BiLSTM step costs ~12 kernels forward
// and ~30 backward per frame, and on CPU backends the per-kernel overhead dominated the
// whole training step. Here the only kernels per frame are one small matrix product
// (h·U forward, dz·Uᵀ backward); the gate arithmetic runs in plain JS over Float32Arrays,
// and the weight gradients are three large matrix products over all frames at once.
//
// Gate order in the weights: i, f, g, o. Padding: lines are padded at the end. The
// left-to-right pass zeroes its outputs at padded frames; the right-to-left pass multiplies
// its state by the mask so it stays zero until the first real frame.
import * as tf from '@tensorflow/tfjs';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface Saved {
  gates: Float32Array; // [T, N, 4U] activated gates i, f, g, o
  cPrev: Float32Array; // [T, N, U] state entering each frame
  hPrev: Float32Array; // [T, N, U]
  tc: Float32Array; // [T, N, U] tanh of the raw cell
}

/** x [N,T,F], mask [N,T] → hidden states [N,T,U]. */
export function lstmFused(
  x: tf.Tensor3D,
  mask: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrent: tf.Tensor2D,
  bias: tf.Tensor1D,
  reverse: boolean,
): tf.Tensor3D {
  const [N, T, F] = x.shape;
  const U = recurrent.shape[0];
  const G = 4 * U;
  const m = mask.dataSync() as Float32Array;
  const order = Array.from({ length: T }, (_, k) => (reverse ? T - 1 - k : k));
  // Outputs are zero at padded frames in both directions; only the right-to-left pass
  // also masks its state (the left-to-right pass reaches padding after every real frame).
  const mState = (n: number, t: number) => (reverse ? m[n * T + t] : 1);
  const mOut = (n: number, t: number) => m[n * T + t];

  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, kIn, rIn, bIn] = args as tf.Tensor[];
    const save = args[5] as tf.GradSaveFunc;
    const xt = xIn as tf.Tensor3D;
    const proj = readAndDispose(tf.tidy(() => tf.add(tf.matMul(tf.reshape(xt, [N * T, F]), kIn as tf.Tensor2D), bIn)));
    const s: Saved = {
      gates: new Float32Array(T * N * G),
      cPrev: new Float32Array(T * N * U),
      hPrev: new Float32Array(T * N * U),
      tc: new Float32Array(T * N * U),
    };
    const out = new Float32Array(N * T * U);
    let h = new Float32Array(N * U);
    let c = new Float32Array(N * U);
    order.forEach((t, k) => {
      const rec = k === 0 ? null : matMulData(h, [N, U], rIn as tf.Tensor2D);
      s.hPrev.set(h, t * N * U);
      s.cPrev.set(c, t * N * U);
      const hNext = new Float32Array(N * U);
      const cNext = new Float32Array(N * U);
      for (let n = 0; n < N; n++) {
        const ms = mState(n, t);
        const mo = mOut(n, t);
        const zBase = (n * T + t) * G;
        const gBase = (t * N + n) * G;
        const r = n * G;
        for (let j = 0; j < U; j++) {
          const zi = proj[zBase + j] + (rec ? rec[r + j] : 0);
          const zf = proj[zBase + U + j] + (rec ? rec[r + U + j] : 0);
          const zg = proj[zBase + 2 * U + j] + (rec ? rec[r + 2 * U + j] : 0);
          const zo = proj[zBase + 3 * U + j] + (rec ? rec[r + 3 * U + j] : 0);
          const i = sigmoid(zi);
          const f = sigmoid(zf);
          const g = Math.tanh(zg);
          const o = sigmoid(zo);
          const cRaw = f * c[n * U + j] + i * g;
          const tc = Math.tanh(cRaw);
          const hRaw = o * tc;
          s.gates[gBase + j] = i;
          s.gates[gBase + U + j] = f;
          s.gates[gBase + 2 * U + j] = g;
          s.gates[gBase + 3 * U + j] = o;
          s.tc[(t * N + n) * U + j] = tc;
          cNext[n * U + j] = cRaw * ms;
          hNext[n * U + j] = hRaw * ms;
          out[(n * T + t) * U + j] = hRaw * mo;
        }
      }
      h = hNext;
      c = cNext;
    });
    save([xt, kIn, rIn]);
    return {
      value: tf.tensor3d(out, [N, T, U]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy as tf.Tensor3D, saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D], s),
    };
  });

  function backward(dy: tf.Tensor3D, [xs, ks, rs]: [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D], s: Saved): tf.Tensor[] {
    const dY = dy.dataSync() as Float32Array;
    const dZ = new Float32Array(T * N * G); // frame-major, to pair with hPrev
    let dhNext: Float32Array = new Float32Array(N * U);
    let dcNext = new Float32Array(N * U);
    const rT = tf.transpose(rs);
    for (let k = T - 1; k >= 0; k--) {
      const t = order[k];
      const dcPrev = new Float32Array(N * U);
      for (let n = 0; n < N; n++) {
        const ms = mState(n, t);
        const mo = mOut(n, t);
        const gBase = (t * N + n) * G;
        for (let j = 0; j < U; j++) {
          const u = n * U + j;
          const i = s.gates[gBase + j];
          const f = s.gates[gBase + U + j];
          const g = s.gates[gBase + 2 * U + j];
          const o = s.gates[gBase + 3 * U + j];
          const tc = s.tc[(t * N + n) * U + j];
          const dhRaw = (dY[(n * T + t) * U + j] * mo + dhNext[u]) * ms;
          const dcRaw = dcNext[u] * ms + dhRaw * o * (1 - tc * tc);
          dZ[gBase + j] = dcRaw * g * i * (1 - i);
          dZ[gBase + U + j] = dcRaw * s.cPrev[t * N * U + u] * f * (1 - f);
          dZ[gBase + 2 * U + j] = dcRaw * i * (1 - g * g);
          dZ[gBase + 3 * U + j] = dhRaw * tc * o * (1 - o);
          dcPrev[u] = dcRaw * f;
        }
      }
      dcNext = dcPrev;
      dhNext = k > 0 ? matMulData(dZ.subarray(t * N * G, (t + 1) * N * G), [N, G], rT) : dhNext;
    }
    rT.dispose();
    return tf.tidy(() => {
      const dz = tf.tensor2d(dZ, [T * N, G]);
      // x rows in frame-major order to match dZ.
      const xFrames = tf.reshape(tf.transpose(xs, [1, 0, 2]), [T * N, F]);
      const dKernel = tf.matMul(xFrames, dz, true, false);
      const dRecurrent = tf.matMul(tf.tensor2d(s.hPrev, [T * N, U]), dz, true, false);
      const dBias = tf.sum(dz, 0);
      const dx = tf.transpose(tf.reshape(tf.matMul(dz, ks, false, true), [T, N, F]), [1, 0, 2]);
      return [dx, dKernel, dRecurrent, dBias, tf.zerosLike(mask)];
    });
  }

  return op(x, kernel, recurrent, bias, mask) as tf.Tensor3D;
}

/** data [rows, cols] · w → Float32Array, through the backend's matrix product. */
function matMulData(data: Float32Array, shape: [number, number], w: tf.Tensor2D): Float32Array {
  return readAndDispose(tf.tidy(() => tf.matMul(tf.tensor2d(data, shape), w)));
}

/**
 * Reads a tensor's values and frees it. (Never return a typed array from tf.tidy: tidy
 * walks its result looking for tensors, element by element — 0.7 s for 500k floats.)
 */
function readAndDispose(t: tf.Tensor): Float32Array {
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return data;
}
