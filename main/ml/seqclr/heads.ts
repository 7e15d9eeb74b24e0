// SeqCLR projection heads g, applied to the encoder's frames during pretraining only and
// discarded afterwards: none, a per-frame two-layer MLP, or a BiLSTM over the frames.
import * as tf from '@tensorflow/tfjs';
import { lstmFused } from '../lstm-fused.ts';
import type { HeadKind } from '../../../shared/pretraining-options.ts';

export type { HeadKind };

// Variables get unique, non-numeric names: tfjs would number them, and numeric keys would
// reorder gradient maps (JS objects list integer-like keys first).
const uniqueName = (name: string) => `seqclr-head/${name}_${Math.random().toString(36).slice(2)}`;

const glorot = (name: string, shape: number[], seed: number) => {
  const limit = Math.sqrt(6 / (shape[0] + shape[shape.length - 1]));
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed), true, uniqueName(name));
};

export class ProjectionHead {
  readonly weights = new Map<string, tf.Variable>();

  constructor(
    readonly kind: HeadKind,
    inputSize: number,
    readonly size: number,
    seed = 1,
  ) {
    if (kind === 'mlp') {
      this.weights.set('w1', glorot('w1', [inputSize, size], seed));
      this.weights.set('b1', tf.variable(tf.zeros([size]), true, uniqueName('b1')));
      this.weights.set('w2', glorot('w2', [size, size], seed + 1));
      this.weights.set('b2', tf.variable(tf.zeros([size]), true, uniqueName('b2')));
    } else if (kind === 'bilstm') {
      const units = size / 2;
      if (!Number.isInteger(units)) throw new Error('a BiLSTM head needs an even size');
      for (const dir of ['fw', 'bw']) {
        this.weights.set(`${dir}/kernel`, glorot(`${dir}/kernel`, [inputSize, 4 * units], seed + (dir === 'fw' ? 2 : 3)));
        this.weights.set(`${dir}/recurrent`, glorot(`${dir}/recurrent`, [units, 4 * units], seed + (dir === 'fw' ? 4 : 5)));
        const bias = new Float32Array(4 * units);
        bias.fill(1, units, 2 * units);
        this.weights.set(`${dir}/bias`, tf.variable(tf.tensor1d(bias), true, uniqueName(`${dir}/bias`)));
      }
    }
  }

  variables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  private w(name: string): tf.Variable {
    return this.weights.get(name)!;
  }

  apply(r: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
    const [N, T, F] = r.shape;
    switch (this.kind) {
      case 'none':
        return r;
      case 'mlp': {
        const hidden = tf.relu(tf.add(tf.matMul(tf.reshape(r, [N * T, F]), this.w('w1')), this.w('b1')));
        return tf.reshape(tf.add(tf.matMul(hidden, this.w('w2')), this.w('b2')), [N, T, this.size]);
      }
      case 'bilstm': {
        const dir = (d: string, reverse: boolean) =>
          lstmFused(
            r,
            mask,
            this.w(`${d}/kernel`) as tf.Tensor2D,
            this.w(`${d}/recurrent`) as tf.Tensor2D,
            this.w(`${d}/bias`) as tf.Tensor1D,
            reverse,
          );
        return tf.concat([dir('fw', false), dir('bw', true)], 2);
      }
      default: {
        const never: never = this.kind;
        throw new Error(`unknown head ${never}`);
      }
    }
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
  }
}
