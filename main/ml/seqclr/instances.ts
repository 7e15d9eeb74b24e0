// SeqCLR instance mapping: a sequence of projected frames P [N, T, F] becomes contrastive
// instances Z [M, F]. Padding frames (beyond each line's length) never enter an instance.
//   all    — one instance per line, the mean of its frames (SimCLR on sequences);
//   window — T' instances per line by adaptive average pooling over its frames;
//   frame  — every real frame is an instance.
// Both views of a line have the same length, so instance r of view a pairs with
// instance r of view b.
import * as tf from '@tensorflow/tfjs';

export type Mapping = { kind: 'all' } | { kind: 'window'; instances: number } | { kind: 'frame' };

/** Pooling weights [N, K, T]: row k of line n averages frames [start_k, end_k) of its length. */
function poolingWeights(lengths: number[], T: number, K: number): Float32Array {
  const w = new Float32Array(lengths.length * K * T);
  lengths.forEach((L, n) => {
    for (let k = 0; k < K; k++) {
      // torch.nn.AdaptiveAvgPool1d's bins.
      const start = Math.floor((k * L) / K);
      const end = Math.max(start + 1, Math.ceil(((k + 1) * L) / K));
      for (let t = start; t < end; t++) w[(n * K + k) * T + t] = 1 / (end - start);
    }
  });
  return w;
}

export function instanceCount(lengths: number[], mapping: Mapping): number {
  if (mapping.kind === 'all') return lengths.length;
  if (mapping.kind === 'window') return lengths.length * mapping.instances;
  return lengths.reduce((a, b) => a + b, 0);
}

export function mapInstances(p: tf.Tensor3D, lengths: number[], mapping: Mapping): tf.Tensor2D {
  const [N, T, F] = p.shape;
  if (lengths.some((l) => l < 1 || l > T)) throw new Error(`instance mapping: lengths must be within 1..${T}`);
  return tf.tidy(() => {
    if (mapping.kind === 'frame') {
      // One slice per line rather than a gather: gather's gradient needs a kernel
      // (UnsortedSegmentSum) that the wasm backend lacks; slices backpropagate as pads.
      return tf.concat(lengths.map((L, n) => tf.reshape(tf.slice(p, [n, 0, 0], [1, L, F]), [L, F]))) as tf.Tensor2D;
    }
    const K = mapping.kind === 'all' ? 1 : mapping.instances;
    if (!(K >= 1)) throw new Error('window-to-instance needs at least one instance per line');
    const weights = tf.tensor3d(poolingWeights(lengths, T, K), [N, K, T]);
    return tf.reshape(tf.matMul(weights, p), [N * K, F]) as tf.Tensor2D;
  });
}
