// Segmentation model files (.qseg): a JSON header (format, network config, the page size
// the network was trained at, metrics, weight manifest) and the float32 weights, written
// atomically. A separate format from recognizer models: the two are never interchangeable.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../store/atomic.ts';
import { SegNet, type SegNetConfig } from '../ml/seg-net.ts';

const MAGIC = 'QUIRESEG';
const VERSION = 1;

export interface SegmenterHeader {
  format: 'quire-segmenter';
  version: number;
  config: SegNetConfig;
  /** Longer side, in pixels, that pages are scaled to before the network sees them. */
  pageSize: number;
  metrics: Record<string, unknown>;
  tensors: Array<{ name: string; shape: number[]; offset: number }>;
}

export interface Segmenter {
  net: SegNet;
  header: SegmenterHeader;
}

export function saveSegmenter(path: string, net: SegNet, pageSize: number, metrics: Record<string, unknown> = {}): void {
  const tensors: SegmenterHeader['tensors'] = [];
  const blobs: Float32Array[] = [];
  let offset = 0;
  for (const [name, v] of net.weights) {
    const data = v.dataSync() as Float32Array;
    tensors.push({ name, shape: v.shape, offset });
    blobs.push(data);
    offset += data.length;
  }
  const header: SegmenterHeader = { format: 'quire-segmenter', version: VERSION, config: net.config, pageSize, metrics, tensors };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  const pad = Buffer.alloc((4 - ((16 + json.length) % 4)) % 4);
  writeFileAtomic(path, [prefix, json, pad, ...blobs.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength))]);
}

export function loadSegmenter(path: string): Segmenter {
  const bytes = readFileSync(path);
  const fail = (why: string): never => { throw new Error(`${path}: not a Quire segmentation model (${why})`); };
  if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== MAGIC) fail('bad magic bytes');
  if (bytes.readUInt32LE(8) > VERSION) fail(`format version ${bytes.readUInt32LE(8)} is newer than this Quire`);
  const jsonLength = bytes.readUInt32LE(12);
  let header: SegmenterHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 16, 16 + jsonLength));
  } catch {
    return fail('unreadable header');
  }
  if (header.format !== 'quire-segmenter') fail(`unknown format ${String(header.format)}`);
  const start = 16 + jsonLength + ((4 - ((16 + jsonLength) % 4)) % 4);
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const net = new SegNet(header.config, 0);
  for (const { name, shape, offset } of header.tensors) {
    const v = net.weights.get(name);
    if (!v || v.shape.join() !== shape.join()) fail(`tensor ${name} does not fit the network`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size > floats.length) fail(`weights of ${name} are truncated`);
    tf.tidy(() => v!.assign(tf.tensor(floats.subarray(offset, offset + size), shape)));
  }
  if (header.tensors.length !== net.weights.size) fail('tensors are missing');
  return { net, header };
}
