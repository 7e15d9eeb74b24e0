// The line recognizer: a CRNN in three named parts, so that SeqCLR can pretrain and freeze
// them separately.
//   conv   image [N, H, W, 1] → visual features V [N, T, F]  (T = W / widthStride)
//   rnn    V → contextual features H [N, T, 2U] (stacked BiLSTMs)
//   head   H → logits [N, T, C] over the charset plus blank (index 0)
import * as tf from '@tensorflow/tfjs';
import { hasSyncReads } from './backend.ts';
import { convBiasRelu } from './conv-block.ts';
import { lstmFused } from './lstm-fused.ts';
import { lstmOps } from './lstm-ops.ts';

export interface ConvLayer {
  filters: number;
  /** Max-pooling window (height, width) after the convolution; [1,1] for none. */
  pool: [number, number];
}

export interface RecognizerConfig {
  /** Input height in pixels; lines are scaled to it keeping their aspect ratio. */
  height: number;
  conv: ConvLayer[];
  lstmUnits: number;
  lstmLayers: number;
  /** Dropout rate before the BiLSTMs and the head, during training only. */
  dropout: number;
  /** Output classes including the blank. */
  classes: number;
}

export const DEFAULT_CONFIG: Omit<RecognizerConfig, 'classes'> = {
  height: 32,
  conv: [
    { filters: 32, pool: [2, 2] },
    { filters: 64, pool: [2, 2] },
    { filters: 96, pool: [2, 1] },
    { filters: 128, pool: [2, 1] },
  ],
  lstmUnits: 128,
  lstmLayers: 2,
  dropout: 0.2,
};

export type Part = 'conv' | 'rnn' | 'head';

/** Pixels of input width per output frame. */
export function widthStride(config: Pick<RecognizerConfig, 'conv'>): number {
  return config.conv.reduce((s, l) => s * l.pool[1], 1);
}

export function visualFeatureSize(config: Pick<RecognizerConfig, 'conv' | 'height'>): number {
  const hStride = config.conv.reduce((s, l) => s * l.pool[0], 1);
  if (config.height % hStride !== 0) throw new Error(`height ${config.height} is not divisible by the vertical pooling ${hStride}`);
  return (config.height / hStride) * config.conv[config.conv.length - 1].filters;
}

export function framesFor(width: number, config: Pick<RecognizerConfig, 'conv'>): number {
  return Math.floor(width / widthStride(config));
}

/** Forget-gate bias starts at 1 so that early gradients survive through time. */
function lstmBias(units: number): tf.Tensor1D {
  const b = new Float32Array(4 * units);
  b.fill(1, units, 2 * units);
  return tf.tensor1d(b);
}

type WeightSpec = { name: string; part: Part; shape: number[]; init: (seed: number) => tf.Tensor };

function weightSpecs(config: RecognizerConfig): WeightSpec[] {
  const specs: WeightSpec[] = [];
  let channels = 1;
  config.conv.forEach((layer, i) => {
    const shape = [3, 3, channels, layer.filters];
    // He initialisation: keeps activation variance through ReLUs without batch norm.
    specs.push({
      name: `conv${i}/kernel`,
      part: 'conv',
      shape,
      init: (seed) => tf.randomNormal(shape, 0, Math.sqrt(2 / (9 * channels)), 'float32', seed),
    });
    specs.push({ name: `conv${i}/bias`, part: 'conv', shape: [layer.filters], init: () => tf.zeros([layer.filters]) });
    channels = layer.filters;
  });
  let inputSize = visualFeatureSize(config);
  for (let l = 0; l < config.lstmLayers; l++) {
    for (const dir of ['fw', 'bw']) {
      const U = config.lstmUnits;
      const kernel = [inputSize, 4 * U];
      const recurrent = [U, 4 * U];
      specs.push({ name: `lstm${l}/${dir}/kernel`, part: 'rnn', shape: kernel, init: (seed) => glorot(kernel, seed) });
      specs.push({ name: `lstm${l}/${dir}/recurrent`, part: 'rnn', shape: recurrent, init: (seed) => glorot(recurrent, seed) });
      specs.push({ name: `lstm${l}/${dir}/bias`, part: 'rnn', shape: [4 * U], init: () => lstmBias(U) });
    }
    inputSize = 2 * config.lstmUnits;
  }
  specs.push({
    name: 'head/kernel',
    part: 'head',
    shape: [inputSize, config.classes],
    init: (seed) => glorot([inputSize, config.classes], seed),
  });
  specs.push({ name: 'head/bias', part: 'head', shape: [config.classes], init: () => tf.zeros([config.classes]) });
  return specs;
}

function glorot(shape: number[], seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (shape[0] + shape[shape.length - 1]));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

export class Recognizer {
  readonly config: RecognizerConfig;
  readonly weights = new Map<string, tf.Variable>();
  private readonly parts = new Map<string, Part>();

  /** Fresh weights; the same seed gives the same initial model. */
  constructor(config: RecognizerConfig, seed = Math.floor(Math.random() * 2 ** 31)) {
    this.config = config;
    weightSpecs(config).forEach((spec, i) => {
      const value = tf.tidy(() => spec.init(seed + 7919 * i));
      this.weights.set(spec.name, tf.variable(value, true, `${spec.name}_${Math.random().toString(36).slice(2)}`));
      value.dispose();
      this.parts.set(spec.name, spec.part);
    });
  }

  variables(parts: Part[] = ['conv', 'rnn', 'head']): tf.Variable[] {
    return [...this.weights.entries()].filter(([n]) => parts.includes(this.parts.get(n)!)).map(([, v]) => v);
  }

  private w(name: string): tf.Variable {
    const v = this.weights.get(name);
    if (!v) throw new Error(`model has no weight ${name}`);
    return v;
  }

  /** images [N, H, W, 1] (ink 1, paper 0) → V [N, T, F]. */
  visual(images: tf.Tensor4D): tf.Tensor3D {
    let x: tf.Tensor4D = images;
    this.config.conv.forEach((layer, i) => {
      x = convBiasRelu(x, this.w(`conv${i}/kernel`) as tf.Tensor4D, this.w(`conv${i}/bias`) as tf.Tensor1D, i > 0);
      if (layer.pool[0] > 1 || layer.pool[1] > 1) x = tf.maxPool(x, layer.pool, layer.pool, 'valid');
    });
    const [N, h, T, ch] = x.shape;
    // Stack the remaining rows of each column into one feature vector per frame.
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [N, T, h * ch]);
  }

  /**
   * V → H [N, T, 2U]. `mask` [N, T] marks real frames. `dropoutSeed` is given in training
   * only: dropout masks then follow from it, so a resumed run repeats them exactly.
   */
  contextual(v: tf.Tensor3D, mask: tf.Tensor2D, dropoutSeed?: number): tf.Tensor3D {
    let x = v;
    for (let l = 0; l < this.config.lstmLayers; l++) {
      x = this.dropout(x, dropoutSeed, l);
      x = tf.concat([this.lstm(x, mask, l, 'fw'), this.lstm(x, mask, l, 'bw')], 2);
    }
    return x;
  }

  private lstm(x: tf.Tensor3D, mask: tf.Tensor2D, layer: number, dir: 'fw' | 'bw'): tf.Tensor3D {
    const p = `lstm${layer}/${dir}/`;
    // The fused op reads tensors inside the tape; where that is impossible (WebGPU in
    // Node), the same cell as plain ops.
    const cell = hasSyncReads() ? lstmFused : lstmOps;
    return cell(
      x,
      mask,
      this.w(p + 'kernel') as tf.Tensor2D,
      this.w(p + 'recurrent') as tf.Tensor2D,
      this.w(p + 'bias') as tf.Tensor1D,
      dir === 'bw',
    );
  }

  /** H → logits [N, T, C]. */
  head(h: tf.Tensor3D, dropoutSeed?: number): tf.Tensor3D {
    const [N, T, F] = h.shape;
    const x = this.dropout(h, dropoutSeed, this.config.lstmLayers);
    const logits = tf.add(tf.matMul(tf.reshape(x, [N * T, F]), this.w('head/kernel')), this.w('head/bias'));
    return tf.reshape(logits, [N, T, this.config.classes]);
  }

  logits(images: tf.Tensor4D, mask: tf.Tensor2D, dropoutSeed?: number): tf.Tensor3D {
    return this.head(this.contextual(this.visual(images), mask, dropoutSeed), dropoutSeed);
  }

  private dropout<T extends tf.Tensor>(x: T, seed: number | undefined, site: number): T {
    if (seed === undefined || this.config.dropout <= 0) return x;
    return tf.dropout(x, this.config.dropout, undefined, seed * 16 + site) as T;
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
  }
}

/** Mask [N, T] with ones for the first `lengths[n]` frames of each line. */
export function frameMask(lengths: number[], T: number): tf.Tensor2D {
  const m = new Float32Array(lengths.length * T);
  lengths.forEach((len, n) => m.fill(1, n * T, n * T + Math.min(len, T)));
  return tf.tensor2d(m, [lengths.length, T]);
}
