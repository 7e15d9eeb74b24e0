// Which engine reads lines. Reading needs no gradients, so it need not run on the training
// engine: where ONNX Runtime loads and tfjs would run on the CPU (wasm or cpu backend),
// lines are read by ORT's native kernels (onnx-reader.ts); otherwise by tfjs, on a pool of
// worker threads (reading-pool.ts). A GPU backend (tfjs-node-gpu, WebGPU) keeps reading on
// its device. QUIRE_READER=onnx|tfjs forces one (an unavailable forced engine is an error).
import type { BackendName } from './backend.ts';
import type { Codec } from './codec.ts';
import type { Sample } from './data.ts';
import type { LineTensor } from './line-image.ts';
import { ErrorCounter, type ErrorReport } from './metrics.ts';
import type { Recognizer } from './model.ts';
import { loadOnnxRuntime, onnxRuntimeProblem, OnnxReader } from './onnx-reader.ts';
import { ReadingPool } from './reading-pool.ts';
import type { ReadControl, Reading } from './recognize.ts';
import type { Decoding } from './decoding.ts';

export const READING_ENGINES = ['onnx', 'tfjs'] as const;

export interface LineReader {
  /** 'onnxruntime' or 'tfjs', for logs and benchmarks. */
  readonly engine: string;
  /** Results in input order; undefined when `control.signal` aborted the reading. */
  /** `decoding` (decoding.ts): a beam width, 1 by default, or a language model's spec. */
  readLines(images: readonly LineTensor[], batchSize?: number, decoding?: Decoding, control?: ReadControl): Promise<Reading[] | undefined>;
  stop(): Promise<void>;
}

/**
 * A reader of `model` as it is now (a snapshot of its weights), on `threads` CPU threads.
 * `backend` is the tfjs backend in use: ORT replaces only the CPU ones.
 */
export async function startLineReader(
  model: Recognizer,
  codec: Codec,
  backend: BackendName,
  threads: number,
  force = process.env.QUIRE_READER,
): Promise<LineReader> {
  if (force !== undefined && force !== '' && !(READING_ENGINES as readonly string[]).includes(force)) {
    throw new Error(`QUIRE_READER=${force} is not one of ${READING_ENGINES.join(', ')}`);
  }
  if (force !== 'tfjs' && (force === 'onnx' || backend === 'wasm' || backend === 'cpu')) {
    const ort = await loadOnnxRuntime();
    if (ort) {
      try {
        return await OnnxReader.create(ort, model, codec, threads);
      } catch (error) {
        // A session ORT refuses (an operator missing from an unusual build…) falls back to tfjs unless ONNX was asked for.
        if (force === 'onnx') throw error;
      }
    } else if (force === 'onnx') throw new Error(`QUIRE_READER=onnx: ${onnxRuntimeProblem()}`);
  }
  // tfjs-node threads itself and a GPU is one device: a pool only helps wasm and cpu.
  return ReadingPool.start(model, codec, backend, backend === 'wasm' || backend === 'cpu' ? threads : 1);
}

/** Reads lines once with a reader started for the purpose (and stopped after). */
export async function readLinesOnce(
  model: Recognizer,
  codec: Codec,
  backend: BackendName,
  images: readonly LineTensor[],
  options: { threads: number; batchSize?: number; decoding?: Decoding; control?: ReadControl },
): Promise<Reading[] | undefined> {
  const reader = await startLineReader(model, codec, backend, options.threads);
  try {
    return await reader.readLines(images, options.batchSize ?? 16, options.decoding ?? 1, options.control);
  } finally {
    await reader.stop();
  }
}

/** CER, WER and confusions of the model's greedy readings of the samples. */
export async function evaluateLines(
  model: Recognizer,
  codec: Codec,
  backend: BackendName,
  samples: readonly Sample[],
  threads: number,
): Promise<ErrorReport> {
  const readings = (await readLinesOnce(
    model,
    codec,
    backend,
    samples.map((s) => s.image),
    { threads },
  ))!;
  const counter = new ErrorCounter();
  samples.forEach((s, i) => counter.add(s.text, readings[i].text));
  return counter.report();
}
