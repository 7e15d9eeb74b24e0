// Model files: one binary file holding a JSON header (format, config, charset, metrics,
// weight manifest, optional optimizer state) followed by the float32 weights. Written to a
// temporary file and renamed, so a crash never leaves half a model; the sha256 of the
// bytes is returned for the database to record.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../store/atomic.ts';
import * as tf from '@tensorflow/tfjs';
import { Codec } from './codec.ts';
import { Recognizer, type RecognizerConfig } from './model.ts';
import type { RoundRecord } from './self-training.ts';

const MAGIC = 'QUIREMDL';
export const FORMAT_VERSION = 1;

export interface ModelHeader {
  format: 'quire-recognizer';
  version: number;
  config: RecognizerConfig;
  charset: string[];
  metrics: Record<string, unknown>;
  /** Free-form training state for exact resume (step, RNG state, data order). */
  training?: Record<string, unknown>;
  tensors: Array<{ name: string; shape: number[]; offset: number }>;
}

export interface SavedModel {
  model: Recognizer;
  codec: Codec;
  header: ModelHeader;
  /** Optimizer slots by variable name (e.g. Adam moments), present in training checkpoints. */
  optimizerState: Map<string, Float32Array>;
}

/** Saves the model (and optional optimizer slots); returns the file's sha256. */
export function saveModel(
  path: string, model: Recognizer, codec: Codec, metrics: Record<string, unknown> = {},
  training?: Record<string, unknown>, optimizerState?: Map<string, tf.Tensor>,
): string {
  if (codec.classes !== model.config.classes) throw new Error(`charset has ${codec.classes} classes, model ${model.config.classes}`);
  const named: Array<[string, tf.Tensor]> = [...model.weights.entries()];
  for (const [name, t] of optimizerState ?? []) named.push([`optimizer/${name}`, t]);
  const tensors: ModelHeader['tensors'] = [];
  const blobs: Float32Array[] = [];
  let offset = 0;
  for (const [name, t] of named) {
    // Everything is stored as float32 (Adam's step counter is an int32 scalar).
    const raw = t.dataSync();
    const data = raw instanceof Float32Array ? raw : Float32Array.from(raw as Int32Array);
    tensors.push({ name, shape: t.shape, offset });
    blobs.push(data);
    offset += data.length;
  }
  const header: ModelHeader = { format: 'quire-recognizer', version: FORMAT_VERSION, config: model.config, charset: codec.chars, metrics, training, tensors };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(FORMAT_VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  // Weights start on a 4-byte boundary so they can be viewed as Float32Array directly.
  const pad = Buffer.alloc((4 - ((16 + json.length) % 4)) % 4);
  const chunks = [prefix, json, pad, ...blobs.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength))];
  writeFileAtomic(path, chunks);
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  return hash.digest('hex');
}

/** Loads a model file, checking its format; errors name the file and the problem. */
export function loadModel(path: string): SavedModel {
  const bytes = readFileSync(path);
  const fail = (why: string): never => { throw new Error(`${path}: not a Quire model file (${why})`); };
  if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== MAGIC) fail('bad magic bytes');
  const version = bytes.readUInt32LE(8);
  if (version > FORMAT_VERSION) fail(`format version ${version} is newer than this Quire (${FORMAT_VERSION})`);
  const jsonLength = bytes.readUInt32LE(12);
  if (16 + jsonLength > bytes.length) fail('truncated header');
  let header: ModelHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 16, 16 + jsonLength));
  } catch {
    return fail('unreadable header');
  }
  if (header.format !== 'quire-recognizer') fail(`unknown format ${String(header.format)}`);
  const start = 16 + jsonLength + ((4 - ((16 + jsonLength) % 4)) % 4);
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const codec = new Codec(header.charset);
  if (codec.classes !== header.config.classes) fail(`charset has ${codec.classes} classes but the network ${header.config.classes}`);
  const model = new Recognizer(header.config, 0);
  const optimizerState = new Map<string, Float32Array>();
  const seen = new Set<string>();
  for (const { name, shape, offset } of header.tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size > floats.length) fail(`weights of ${name} are truncated`);
    const data = floats.subarray(offset, offset + size);
    if (name.startsWith('optimizer/')) { optimizerState.set(name.slice(10), data); continue; }
    const v = model.weights.get(name);
    if (!v) fail(`unexpected tensor ${name}`);
    if (v!.shape.join() !== shape.join()) fail(`tensor ${name} has shape ${shape}, expected ${v!.shape}`);
    tf.tidy(() => v!.assign(tf.tensor(data, shape)));
    seen.add(name);
  }
  for (const name of model.weights.keys()) if (!seen.has(name)) fail(`tensor ${name} is missing`);
  return { model, codec, header, optimizerState };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The resumable part of a training run, as train() reports it in onCheckpoint. */
export interface TrainingCheckpointState {
  step: number;
  bestCer: number | null;
  sinceBest: number;
  history: Array<{ step: number; loss: number; cer?: number }>;
  optimizer?: Map<string, tf.Tensor>;
  /** Weights outside the recognizer that the run needs to resume (SeqCLR's projection head). */
  extraWeights?: Map<string, tf.Tensor>;
  /**
   * The weights of the best validation so far, which early stopping and the end of the run
   * restore: without them a resumed run would end on its last weights instead. In
   * onCheckpoint these are train()'s live tensors: persist them before it continues.
   */
  best?: Map<string, tf.Tensor>;
  /** Self-training around train(): the round in progress and the pseudo-labels so far. */
  selfTraining?: { round: number; rounds: RoundRecord[] };
}

/** Writes weights, optimizer slots and the training state in one atomic file. */
export function saveTrainingCheckpoint(path: string, model: Recognizer, codec: Codec, state: TrainingCheckpointState, metrics: Record<string, unknown> = {}): string {
  const { optimizer, extraWeights, best, ...rest } = state;
  const slots = new Map(optimizer ?? []);
  for (const [k, v] of extraWeights ?? []) slots.set(`extra/${k}`, v);
  for (const [k, v] of best ?? []) slots.set(`best/${k}`, v);
  return saveModel(path, model, codec, metrics, rest as unknown as Record<string, unknown>, slots);
}

/** Loads a checkpoint written by saveTrainingCheckpoint, ready to pass as `resume`. */
export function loadTrainingCheckpoint(path: string): { model: Recognizer; codec: Codec; state: TrainingCheckpointState } {
  const saved = loadModel(path);
  if (!saved.header.training) throw new Error(`${path}: a model file without training state cannot be resumed`);
  const optimizer = new Map<string, tf.Tensor>();
  const extraWeights = new Map<string, tf.Tensor>();
  const best = new Map<string, tf.Tensor>();
  const shapes = new Map(saved.header.tensors.map((t) => [t.name, t.shape]));
  for (const [name, data] of saved.optimizerState) {
    const tensor = tf.tensor(data, shapes.get(`optimizer/${name}`));
    if (name.startsWith('extra/')) extraWeights.set(name.slice(6), tensor);
    else if (name.startsWith('best/')) best.set(name.slice(5), tensor);
    else optimizer.set(name, tensor);
  }
  const state = { ...(saved.header.training as unknown as TrainingCheckpointState), optimizer, extraWeights };
  return { model: saved.model, codec: saved.codec, state: best.size ? { ...state, best } : state };
}
