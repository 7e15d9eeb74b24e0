// Segmentation model files (.qseg): a JSON header (format, network config, the page size
// the network was trained at, metrics, weight manifest) and the float32 weights, in the
// container of main/ml/tensor-file.ts. Their own magic bytes: a segmenter is never taken
// for a recognizer, or the reverse.
import * as tf from '@tensorflow/tfjs';
import { readTensorFile, writeTensorFile, type TensorEntry } from '../ml/tensor-file.ts';
import { SEG_OUTPUTS, SegNet, type SegNetConfig } from '../ml/seg-net.ts';

const MAGIC = 'QUIRESEG';
const VERSION = 1;

export interface SegmenterHeader {
  format: 'quire-segmenter';
  version: number;
  config: SegNetConfig;
  /** Longer side, in pixels, that pages are scaled to before the network sees them. */
  pageSize: number;
  metrics: Record<string, unknown>;
  tensors: TensorEntry[];
}

export interface Segmenter {
  net: SegNet;
  header: SegmenterHeader;
}

export function saveSegmenter(path: string, net: SegNet, pageSize: number, metrics: Record<string, unknown> = {}): void {
  writeTensorFile(path, MAGIC, VERSION, [...net.weights], (tensors): SegmenterHeader => ({
    format: 'quire-segmenter',
    version: VERSION,
    config: net.config,
    pageSize,
    metrics,
    tensors,
  }));
}

export function loadSegmenter(path: string): Segmenter {
  const file = readTensorFile(path, MAGIC, VERSION, 'Quire segmentation model');
  const { fail } = file;
  const header = file.header as SegmenterHeader;
  if (header.format !== 'quire-segmenter') fail(`unknown format ${String(header.format)}`);
  const problem = headerProblem(header);
  if (problem) fail(problem);
  const net = new SegNet(header.config, 0);
  try {
    for (const entry of header.tensors) {
      const v = net.weights.get(entry?.name);
      if (!v || !Array.isArray(entry.shape) || v.shape.join() !== entry.shape.join())
        fail(`tensor ${entry?.name} does not fit the network`);
      const data = file.tensor(entry);
      tf.tidy(() => v!.assign(tf.tensor(data, entry.shape)));
    }
    if (header.tensors.length !== net.weights.size) fail('tensors are missing');
  } catch (error) {
    net.dispose();
    throw error;
  }
  return { net, header };
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
