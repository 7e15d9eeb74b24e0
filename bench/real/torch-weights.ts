// The .qw files of the networks trained in PyTorch on a lent GPU (bench/real/torch_train_base.py,
// the recognizer; bench/seg/torch_train_seg.py, the segmenter): a little-endian u32 header
// length, a JSON header (config, metrics, tensor manifest in the TF.js network's names and
// layouts, byte offsets), then the float32 weights. Read here into a Recognizer, and compared
// with the logits PyTorch computed for the same pixels.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Codec } from '../../main/ml/codec.ts';
import { frameMask, framesFor, Recognizer, type RecognizerConfig } from '../../main/ml/model.ts';

/** The part of a .qw header every network shares: where each weight lies. */
export interface QwTensors {
  tensors: Array<{ name: string; shape: number[]; offset: number }>;
}

export interface QwHeader extends QwTensors {
  config: RecognizerConfig;
  charset: string[];
  metrics: Record<string, unknown>;
}

/** A network whose weights a .qw file fills, by name. */
export interface QwNetwork {
  weights: Map<string, tf.Variable>;
  dispose(): void;
}

/** Lines PyTorch read one at a time (--dump-logits): 8-bit pixels and logits [T][C]. */
export interface TorchLogits {
  width: number;
  pixels: number[];
  logits: number[][];
}

/**
 * Reads a .qw file of any network (bench/seg/torch_train_seg.py writes the segmenter's):
 * its header, and `assign` to copy its weights into a network's variables by name, which
 * refuses unknown, misshapen, truncated and missing weights, naming the file and weight
 * (and disposes the network then).
 */
export function readQwFile<H extends QwTensors>(path: string): { header: H; assign: (net: QwNetwork) => void } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as H;
  const dataStart = 4 + headerLength;
  const assign = (net: QwNetwork) => {
    try {
      copyWeights(net.weights);
    } catch (e) {
      net.dispose();
      throw e;
    }
  };
  const copyWeights = (weights: Map<string, tf.Variable>) => {
    const missing = new Set(weights.keys());
    for (const t of header.tensors) {
      const variable = weights.get(t.name);
      if (!variable) throw new Error(`${path}: unknown weight ${t.name}`);
      if (variable.shape.join('x') !== t.shape.join('x'))
        throw new Error(`${path}: ${t.name} is ${t.shape.join('x')}, the network wants ${variable.shape.join('x')}`);
      const count = t.shape.reduce((a, b) => a * b, 1);
      const start = dataStart + t.offset;
      if (start + 4 * count > bytes.length) throw new Error(`${path}: ${t.name} runs past the end of the file`);
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + 4 * count));
      tf.tidy(() => variable.assign(tf.tensor(values, t.shape)));
      missing.delete(t.name);
    }
    if (missing.size) throw new Error(`${path}: no values for ${[...missing].join(', ')}`);
  };
  return { header, assign };
}

/** Reads a recognizer's .qw file into a Recognizer; errors name the file and the weight at fault. */
export function readQw(path: string): { model: Recognizer; codec: Codec; header: QwHeader } {
  const { header, assign } = readQwFile<QwHeader>(path);
  const codec = new Codec(header.charset);
  if (codec.classes !== header.config.classes)
    throw new Error(`${path}: ${header.charset.length} characters for ${header.config.classes} classes`);
  const model = new Recognizer(header.config, 1);
  assign(model);
  return { model, codec, header };
}

/** The largest |Quire − PyTorch| over every logit of `lines`, each read alone (no padding). */
export function largestLogitDifference(model: Recognizer, lines: TorchLogits[]): number {
  let worst = 0;
  for (const line of lines) {
    const H = model.config.height;
    const frames = framesFor(line.width, model.config);
    const ours = tf.tidy(() => {
      const image = tf.tensor4d(
        Float32Array.from(line.pixels, (v) => v / 255),
        [1, H, line.width, 1],
      );
      return model.logits(image, frameMask([frames], frames)).arraySync()[0];
    });
    if (ours.length !== line.logits.length) throw new Error(`frames: PyTorch ${line.logits.length}, Quire ${ours.length}`);
    ours.forEach((row, t) => row.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - line.logits[t][c])))));
  }
  return worst;
}
