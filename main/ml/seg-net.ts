// The segmentation network: a small U-Net (Ronneberger et al. 2015) in the manner of
// kraken's blla and dhSegment, predicting per pixel of a downscaled page
//   0 baseline     a thin band along each line's baseline
//   1 line         the inside of a line polygon, with a seam left where lines meet
//   2 main         the main text region
//   3 margin       marginal notes
// as independent sigmoid maps. Encoder: 3×3 conv + ReLU per level, max-pool 2×2 between
// levels; decoder: 2× nearest upsampling, concatenation with the encoder level, 3×3 conv.
// Pure TensorFlow.js; no DB, no files.
import * as tf from '@tensorflow/tfjs';

export interface SegNetConfig {
  /** Filters per encoder level, the first at full resolution. */
  levels: number[];
  /** Output maps (see the header). */
  outputs: number;
}

export const SEG_OUTPUTS = ['baseline', 'line', 'main', 'margin'] as const;
export const DEFAULT_SEG_CONFIG: SegNetConfig = { levels: [8, 16, 32, 48, 64], outputs: SEG_OUTPUTS.length };

/** Input sides must be multiples of this (one halving per level below the first). */
export const segStride = (c: SegNetConfig) => 2 ** (c.levels.length - 1);

type Spec = { name: string; shape: number[]; fanIn: number };

function specs(c: SegNetConfig): Spec[] {
  const out: Spec[] = [];
  let ch = 1;
  c.levels.forEach((f, i) => {
    out.push({ name: `enc${i}/kernel`, shape: [3, 3, ch, f], fanIn: 9 * ch }, { name: `enc${i}/bias`, shape: [f], fanIn: 0 });
    ch = f;
  });
  for (let i = c.levels.length - 2; i >= 0; i--) {
    const inCh = ch + c.levels[i];
    const f = c.levels[i];
    out.push({ name: `dec${i}/kernel`, shape: [3, 3, inCh, f], fanIn: 9 * inCh }, { name: `dec${i}/bias`, shape: [f], fanIn: 0 });
    ch = f;
  }
  out.push({ name: 'head/kernel', shape: [1, 1, ch, c.outputs], fanIn: ch }, { name: 'head/bias', shape: [c.outputs], fanIn: 0 });
  return out;
}

export class SegNet {
  readonly weights = new Map<string, tf.Variable>();

  constructor(
    readonly config: SegNetConfig = DEFAULT_SEG_CONFIG,
    seed = 1,
  ) {
    specs(config).forEach((s, i) => {
      const value = tf.tidy(() => {
        if (s.fanIn === 0) {
          // The head starts predicting "mostly background" (sigmoid(-2) ≈ 0.12): the maps are sparse.
          return s.name === 'head/bias' ? tf.fill(s.shape, -2) : tf.zeros(s.shape);
        }
        // He initialisation for the ReLU layers.
        return tf.randomNormal(s.shape, 0, Math.sqrt(2 / s.fanIn), 'float32', seed + 7919 * i);
      });
      this.weights.set(s.name, tf.variable(value, true, `seg_${s.name}_${Math.random().toString(36).slice(2)}`));
      // The variable holds its own reference to the values: the initial tensor would otherwise
      // stay counted (and its memory held) after dispose(), one per weight for every network.
      value.dispose();
    });
  }

  get variables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  private conv(x: tf.Tensor4D, name: string, relu = true): tf.Tensor4D {
    return tf.fused.conv2d({
      x,
      filter: this.weights.get(`${name}/kernel`)! as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: this.weights.get(`${name}/bias`)!,
      activation: relu ? 'relu' : 'linear',
    });
  }

  /** Logits [N, H, W, outputs] for pages [N, H, W, 1]; H and W multiples of segStride. */
  logits(input: tf.Tensor4D): tf.Tensor4D {
    const skips: tf.Tensor4D[] = [];
    let x = input;
    this.config.levels.forEach((_, i) => {
      if (i > 0) x = tf.maxPool(x, 2, 2, 'valid');
      x = this.conv(x, `enc${i}`);
      skips.push(x);
    });
    for (let i = this.config.levels.length - 2; i >= 0; i--) {
      x = this.conv(tf.concat([upsample2(x), skips[i]], 3), `dec${i}`);
    }
    return this.conv(x, 'head', false);
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
  }
}

/**
 * Nearest-neighbour 2× upsampling as a broadcast multiply, whose gradient is a plain sum:
 * the wasm backend has no gradient kernel for resizeNearestNeighbor.
 */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const spread = tf.mul(tf.reshape(x, [n * h, 1, w, 1, c]), tf.ones([1, 2, 1, 2, 1]));
  return tf.reshape(spread, [n, 2 * h, 2 * w, c]);
}
