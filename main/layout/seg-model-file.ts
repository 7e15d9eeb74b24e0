// Segmentation model files (.qseg): a JSON header (format, network config, the page size
// the network was trained at, metrics, weight manifest) and the float32 weights, in the
// container of main/ml/tensor-file.ts (written atomically). Their own magic bytes: a
// segmenter is never taken for a recognizer, or the reverse. A training checkpoint is such a
// file with the training state in its header and Adam's moments beside the weights.
import * as tf from '@tensorflow/tfjs';
import { readTensorFile, writeTensorFile, type TensorEntry } from '../ml/tensor-file.ts';
import { SEG_OUTPUTS, SegNet, type SegNetConfig } from '../ml/seg-net.ts';
import type { TrainingCheckpointState } from '../ml/training-state.ts';

const MAGIC = 'QUIRESEG';
const VERSION = 1;
/** Name prefix of Adam's moments in a checkpoint. */
const OPTIMIZER = 'optimizer/';

export interface SegmenterHeader {
  format: 'quire-segmenter';
  version: number;
  config: SegNetConfig;
  /** Longer side, in pixels, that pages are scaled to before the network sees them. */
  pageSize: number;
  metrics: Record<string, unknown>;
  /** A checkpoint's training state (step, history…; Adam's moments are the `optimizer/` tensors). */
  training?: Omit<TrainingCheckpointState, 'optimizer' | 'extraWeights' | 'best'>;
  tensors: TensorEntry[];
}

export interface Segmenter {
  net: SegNet;
  header: SegmenterHeader;
}

export function saveSegmenter(
  path: string,
  net: SegNet,
  pageSize: number,
  metrics: Record<string, unknown> = {},
  state?: TrainingCheckpointState,
): void {
  const named: Array<[string, tf.Tensor]> = [...net.weights];
  for (const [name, t] of state?.optimizer ?? []) named.push([`${OPTIMIZER}${name}`, t]);
  const training = state && { step: state.step, bestCer: state.bestCer, sinceBest: state.sinceBest, history: state.history };
  writeTensorFile(path, MAGIC, VERSION, named, (tensors): SegmenterHeader => ({
    format: 'quire-segmenter',
    version: VERSION,
    config: net.config,
    pageSize,
    metrics,
    ...(training ? { training } : {}),
    tensors,
  }));
}

/** Loads a checkpoint written by saveSegmenter with a state, ready to pass as `resume`. */
export function loadSegmenterCheckpoint(path: string): Segmenter & { state: TrainingCheckpointState } {
  const { net, header, optimizer } = readSegmenter(path);
  if (!header.training) {
    net.dispose();
    tf.dispose([...optimizer.values()]);
    throw new Error(`${path}: a segmenter without training state cannot be resumed`);
  }
  return { net, header, state: { ...header.training, optimizer } };
}

export function loadSegmenter(path: string): Segmenter {
  const { net, header, optimizer } = readSegmenter(path);
  tf.dispose([...optimizer.values()]);
  return { net, header };
}

function readSegmenter(path: string): Segmenter & { optimizer: Map<string, tf.Tensor> } {
  const file = readTensorFile(path, MAGIC, VERSION, 'Quire segmentation model');
  const { fail } = file;
  const header = file.header as SegmenterHeader;
  if (header.format !== 'quire-segmenter') fail(`unknown format ${String(header.format)}`);
  const problem = headerProblem(header);
  if (problem) fail(problem);
  const net = new SegNet(header.config, 0);
  const optimizer = new Map<string, tf.Tensor>();
  try {
    for (const entry of header.tensors) {
      if (typeof entry?.name === 'string' && entry.name.startsWith(OPTIMIZER)) {
        if (!Array.isArray(entry.shape)) fail(`tensor ${entry.name} has no shape`);
        optimizer.set(entry.name.slice(OPTIMIZER.length), tf.tensor(file.tensor(entry), entry.shape));
        continue;
      }
      const v = net.weights.get(entry?.name);
      if (!v || !Array.isArray(entry.shape) || v.shape.join() !== entry.shape.join())
        fail(`tensor ${entry?.name} does not fit the network`);
      const data = file.tensor(entry);
      tf.tidy(() => v!.assign(tf.tensor(data, entry.shape)));
    }
    if (header.tensors.length - optimizer.size !== net.weights.size) fail('tensors are missing');
  } catch (error) {
    net.dispose();
    tf.dispose([...optimizer.values()]);
    throw error;
  }
  return { net, header, optimizer };
}

const wholeIn = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** What makes a header unusable (the network it describes cannot be built or does not give the four maps), or null. */
function headerProblem(h: SegmenterHeader): string | null {
  const c = h.config as Partial<SegNetConfig> | undefined;
  if (!c || !Array.isArray(c.levels) || c.levels.length < 1 || c.levels.length > 10 || !c.levels.every((n) => wholeIn(n, 1, 4096)))
    return `bad network config ${JSON.stringify(c)}`;
  if (c.outputs !== SEG_OUTPUTS.length)
    return `the network gives ${String(c.outputs)} maps, not the ${SEG_OUTPUTS.length} a segmenter reads (${SEG_OUTPUTS.join(', ')})`;
  if (!wholeIn(h.pageSize, 32, 16384)) return `bad page size ${String(h.pageSize)}`;
  if (!Array.isArray(h.tensors)) return 'no tensor list';
  return null;
}
