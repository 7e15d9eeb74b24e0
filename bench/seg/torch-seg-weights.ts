// The segmenter's .qw files (bench/seg/torch_train_seg.py: the U-Net of main/ml/seg-net.ts
// trained in PyTorch) read into a SegNet through bench/real/torch-weights.ts's reader, and
// the check that Quire's engine computes the logits PyTorch computed for the same pages
// (fed as the app feeds them, seg-infer.ts's segInput).
import * as tf from '@tensorflow/tfjs';
import { SegNet, segStride, type SegNetConfig } from '../../main/ml/seg-net.ts';
import { segInput } from '../../main/layout/seg-infer.ts';
import { readQwFile, type QwTensors } from '../real/torch-weights.ts';

export interface SegQwHeader extends QwTensors {
  config: SegNetConfig;
  /** Longer side the training pages were scaled to. */
  pageSize: number;
  metrics: Record<string, unknown>;
}

/**
 * A page PyTorch read alone (--dump-logits): its 8-bit pixels (base64, width × height) and
 * the logits of the page padded to the stride, [H][W][maps] as float32 little-endian (base64).
 */
export interface TorchSegLogits {
  file: string;
  width: number;
  height: number;
  pixels: string;
  logits: string;
}

/** Reads a segmenter's .qw file into a SegNet; errors name the file and the weight at fault. */
export function readSegQw(path: string): { net: SegNet; header: SegQwHeader } {
  const { header, assign } = readQwFile<SegQwHeader>(path);
  const net = new SegNet(header.config, 0);
  assign(net);
  return { net, header };
}

/** The largest |Quire − PyTorch| over every logit of `pages`, each read alone. */
export function largestSegLogitDifference(net: SegNet, pages: TorchSegLogits[]): number {
  let worst = 0;
  for (const page of pages) {
    const gray = new Uint8Array(Buffer.from(page.pixels, 'base64'));
    if (gray.length !== page.width * page.height) throw new Error(`${page.file}: ${gray.length} pixels for ${page.width}×${page.height}`);
    const theirs = new Float32Array(new Uint8Array(Buffer.from(page.logits, 'base64')).buffer);
    const ours = tf.tidy(() =>
      net.logits(segInput({ width: page.width, height: page.height, data: gray }, segStride(net.config))).dataSync(),
    );
    if (ours.length !== theirs.length) throw new Error(`${page.file}: PyTorch gave ${theirs.length} logits, Quire ${ours.length}`);
    for (let k = 0; k < ours.length; k++) worst = Math.max(worst, Math.abs(ours[k] - theirs[k]));
  }
  return worst;
}
