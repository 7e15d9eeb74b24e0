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
  // JSON `null` or a number parses too: read as an object, it threw a TypeError naming no file.
  if (typeof file.header !== 'object' || file.header === null) fail('the header is not an object');
  const header = file.header as SegmenterHeader;
  if (header.format !== 'quire-segmenter') fail(`unknown format ${String(header.format)}`);
  const problem = headerProblem(header);
  if (problem) fail(problem);
  const net = new SegNet(header.config, 0);
  const optimizer = new Map<string, tf.Tensor>();
  const seen = new Set<string>();
  try {
    for (const entry of header.tensors) {
      const why = entryProblem(entry, seen);
      if (why) fail(why);
      seen.add(entry.name);
      const data = file.tensor(entry);
      // Bytes damaged into NaN or ±Infinity load without complaint and make maps of NaN,
      // where no line is ever found: the file is broken, not the page blank.
      if (!data.every(Number.isFinite)) fail(`tensor ${entry.name} holds values that are not finite`);
      if (entry.name.startsWith(OPTIMIZER)) {
        optimizer.set(entry.name.slice(OPTIMIZER.length), tf.tensor(data, entry.shape));
        continue;
      }
      const v = net.weights.get(entry.name);
      if (!v || v.shape.join() !== entry.shape.join()) fail(`tensor ${entry.name} does not fit the network`);
      tf.tidy(() => v!.assign(tf.tensor(data, entry.shape)));
    }
    // Names are unique (entryProblem), so every weight was read exactly once.
    if (header.tensors.length - optimizer.size !== net.weights.size) fail('tensors are missing');
  } catch (error) {
    net.dispose();
    tf.dispose([...optimizer.values()]);
    throw error;
  }
  return { net, header, optimizer };
}

const wholeIn = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/**
 * What makes one entry of the tensor list unreadable, or null. Checked before its bytes are
 * read: a name listed twice let another weight go unread yet passed the count of tensors,
 * and a bad offset or shape failed inside tfjs with a message that named no file.
 */
function entryProblem(entry: TensorEntry | null, seen: Set<string>): string | null {
  if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string') return `bad tensor entry ${JSON.stringify(entry)}`;
  if (seen.has(entry.name)) return `tensor ${entry.name} is listed twice`;
  if (!Number.isSafeInteger(entry.offset) || entry.offset < 0)
    return `tensor ${entry.name} has a bad offset ${JSON.stringify(entry.offset)}`;
  if (!Array.isArray(entry.shape) || !entry.shape.every((n) => Number.isSafeInteger(n) && n >= 0))
    return `tensor ${entry.name} has a bad shape ${JSON.stringify(entry.shape)}`;
  return null;
}

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
