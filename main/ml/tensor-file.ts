// The container both kinds of Quire model file share (recognizers .qmodel, segmenters
// .qseg): 8 magic bytes naming the kind, a uint32 format version, the byte length of a JSON
// header, the header, padding to a 4-byte boundary (so the weights can be viewed as a
// Float32Array in place), then every tensor as float32. Written to a temporary file and
// renamed, so a crash never leaves half a file. Each kind keeps its own magic and header.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../fs/atomic.ts';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements from the start of the weights. */
  offset: number;
}

const padding = (jsonLength: number) => (4 - ((16 + jsonLength) % 4)) % 4;

/** Writes `tensors` under the header `makeHeader` builds from their manifest; returns the file's sha256. */
export function writeTensorFile(
  path: string,
  magic: string,
  version: number,
  tensors: Array<[string, tf.Tensor]>,
  makeHeader: (manifest: TensorEntry[]) => object,
): string {
  const { chunks, hash } = tensorFileBytes(magic, version, tensors, makeHeader);
  writeFileAtomic(path, chunks);
  return hash;
}

/** A tensor file's bytes (as chunks) and their sha256, not yet written: a caller naming the file by its hash writes it once. */
export function tensorFileBytes(
  magic: string,
  version: number,
  tensors: Array<[string, tf.Tensor]>,
  makeHeader: (manifest: TensorEntry[]) => object,
): { chunks: Uint8Array[]; hash: string } {
  const manifest: TensorEntry[] = [];
  const blobs: Float32Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    // Everything is stored as float32 (Adam's step counter is an int32 scalar).
    const raw = t.dataSync();
    const data = raw instanceof Float32Array ? raw : Float32Array.from(raw as Int32Array);
    manifest.push({ name, shape: t.shape, offset });
    blobs.push(data);
    offset += data.length;
  }
  const json = Buffer.from(JSON.stringify(makeHeader(manifest)), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.write(magic, 0, 'latin1');
  prefix.writeUInt32LE(version, 8);
  prefix.writeUInt32LE(json.length, 12);
  const chunks = [
    prefix,
    json,
    Buffer.alloc(padding(json.length)),
    ...blobs.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
  ];
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  return { chunks, hash: hash.digest('hex') };
}

/**
 * Reads a tensor file of the kind `magic`, refusing other kinds, newer versions and
 * damaged headers; `fail` raises errors that name the file and say what it is not.
 */
export function readTensorFile(path: string, magic: string, version: number, kind: string) {
  const fail = (why: string): never => {
    throw new Error(`${path}: not a ${kind} (${why})`);
  };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    // Node names the file where it cannot open it, not where it is a folder (EISDIR).
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') fail('a folder');
    throw error;
  }
  if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== magic) fail('bad magic bytes');
  const fileVersion = bytes.readUInt32LE(8);
  if (fileVersion > version) fail(`format version ${fileVersion} is newer than this Quire (${version})`);
  const jsonLength = bytes.readUInt32LE(12);
  if (16 + jsonLength > bytes.length) fail('truncated header');
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', 16, 16 + jsonLength));
  } catch {
    fail('unreadable header');
  }
  const start = 16 + jsonLength + padding(jsonLength);
  if (start > bytes.length || (bytes.length - start) % 4 !== 0) fail('truncated weights');
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  /** The elements of one tensor of the manifest, checked to lie inside the file. */
  const tensor = ({ name, shape, offset }: TensorEntry): Float32Array => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size > floats.length) fail(`weights of ${name} are truncated`);
    return floats.subarray(offset, offset + size);
  };
  return { header, tensor, fail };
}
