// Recognizer model files (.qmodel): a JSON header (format, config, charset, metrics,
// weight manifest, optional training state) and the float32 weights and optimizer slots,
// in the container of tensor-file.ts (atomic writes); the sha256 of the bytes is returned
// for the database to record.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readTensorFile, tensorFileBytes, writeTensorFile, type TensorEntry } from './tensor-file.ts';
import * as tf from '@tensorflow/tfjs';
import { Codec } from './codec.ts';
import { Recognizer, type RecognizerConfig } from './model.ts';
import type { TrainingCheckpointState } from './training-state.ts';

export type { TrainingCheckpointState };

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
  tensors: TensorEntry[];
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
  path: string,
  model: Recognizer,
  codec: Codec,
  metrics: Record<string, unknown> = {},
  training?: Record<string, unknown>,
  optimizerState?: Map<string, tf.Tensor>,
): string {
  return writeTensorFile(path, MAGIC, FORMAT_VERSION, ...modelFile(model, codec, metrics, training, optimizerState));
}

/** A model file's bytes and their sha256, unwritten (the registry names the file by the hash). */
export function modelFileBytes(
  model: Recognizer,
  codec: Codec,
  metrics: Record<string, unknown> = {},
): { chunks: Uint8Array[]; hash: string } {
  return tensorFileBytes(MAGIC, FORMAT_VERSION, ...modelFile(model, codec, metrics));
}

function modelFile(
  model: Recognizer,
  codec: Codec,
  metrics: Record<string, unknown>,
  training?: Record<string, unknown>,
  optimizerState?: Map<string, tf.Tensor>,
): [Array<[string, tf.Tensor]>, (tensors: TensorEntry[]) => ModelHeader] {
  if (codec.classes !== model.config.classes) throw new Error(`charset has ${codec.classes} classes, model ${model.config.classes}`);
  const named: Array<[string, tf.Tensor]> = [...model.weights.entries()];
  for (const [name, t] of optimizerState ?? []) named.push([`optimizer/${name}`, t]);
  return [
    named,
    (tensors): ModelHeader => ({
      format: 'quire-recognizer',
      version: FORMAT_VERSION,
      config: model.config,
      charset: codec.chars,
      metrics,
      training,
      tensors,
    }),
  ];
}

/** Loads a model file, checking its format; errors name the file and the problem. */
export function loadModel(path: string): SavedModel {
  const file = readTensorFile(path, MAGIC, FORMAT_VERSION, 'Quire model file');
  const { fail } = file;
  const header = file.header as ModelHeader;
  if (header === null || typeof header !== 'object') fail('unreadable header');
  if (header.format !== 'quire-recognizer') fail(`unknown format ${String(header.format)}`);
  if (!header.config || typeof header.config !== 'object') fail('no network config in its header');
  if (!Array.isArray(header.charset)) fail('no charset in its header');
  if (!Array.isArray(header.tensors)) fail('no tensor manifest in its header');
  /** What a constructor refuses, as the file's fault. */
  const checked = <T>(what: string, make: () => T): T => {
    try {
      return make();
    } catch (error) {
      return fail(`${what}: ${(error as Error).message}`);
    }
  };
  const codec = checked('bad charset', () => new Codec(header.charset));
  if (codec.classes !== header.config.classes) fail(`charset has ${codec.classes} classes but the network ${header.config.classes}`);
  const model = checked('bad network config', () => new Recognizer(header.config, 0));
  const optimizerState = new Map<string, Float32Array>();
  const seen = new Set<string>();
  for (const entry of header.tensors) {
    const { name, shape } = entry;
    const data = file.tensor(entry);
    if (name.startsWith('optimizer/')) {
      optimizerState.set(name.slice(10), data);
      continue;
    }
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

/** Writes weights, optimizer slots and the training state in one atomic file. */
export function saveTrainingCheckpoint(
  path: string,
  model: Recognizer,
  codec: Codec,
  state: TrainingCheckpointState,
  metrics: Record<string, unknown> = {},
): string {
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
