// Reading lines with ONNX Runtime: the recognizer exported by onnx-export.ts runs on ORT's
// native CPU kernels (its library ships inside the onnxruntime-node package, nothing is
// downloaded), about ten times faster than tfjs's wasm backend at 48×1200, on a native
// thread pool that leaves the event loop free. Same batches and decoder as readLines; the
// log-probabilities match tfjs's to 1e-5, so the readings are the same up to exact ties.
// onnxruntime-node is an optional dependency: where it does not load, callers read with
// tfjs (line-reader.ts decides).
import type * as Ort from 'onnxruntime-node';
import type { Codec } from './codec.ts';
import { makeBatch, type LineTensor } from './line-image.ts';
import { widthStride, type Recognizer } from './model.ts';
import { recognizerToOnnx } from './onnx-export.ts';
import { decodeAll, readInWidthOrder, type ReadControl, type Reading } from './recognize.ts';
import type { Decoding } from './decoding.ts';

type OrtModule = typeof Ort;
let runtime: Promise<OrtModule | undefined> | undefined;
let whyNot = '';

/** ONNX Runtime for Node, or undefined (with onnxRuntimeProblem() saying why) where it does not load. */
export function loadOnnxRuntime(): Promise<OrtModule | undefined> {
  runtime ??= import('onnxruntime-node').then(
    (m) => ((m as { default?: OrtModule }).default ?? m) as OrtModule,
    (error: Error) => {
      whyNot = `onnxruntime-node did not load: ${error.message.split('\n')[0]}`;
      return undefined;
    },
  );
  return runtime;
}

export const onnxRuntimeProblem = (): string => whyNot;

export class OnnxReader {
  readonly engine = 'onnxruntime';

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    private readonly codec: Codec,
    private readonly height: number,
    private readonly stride: number,
  ) {}

  /** A session on the model's current weights; later changes to the model are not seen. */
  static async create(ort: OrtModule, model: Recognizer, codec: Codec, threads: number): Promise<OnnxReader> {
    const session = await ort.InferenceSession.create(recognizerToOnnx(model), {
      intraOpNumThreads: Math.max(1, threads),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Off: ORT's arena keeps the high-water mark of the widest batch for the session's life.
      enableCpuMemArena: false,
      // No spin-waiting between ops: on a machine shared with training, the UI and other
      // jobs, spinning threads steal the cores they wait for (2 threads at 32×256 on a
      // loaded 2-core machine: 180 lines/s spinning, 560–740 without).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return new OnnxReader(ort, session, codec, model.config.height, widthStride(model.config));
  }

  async readBatch(images: LineTensor[], decoding: Decoding = 1): Promise<Reading[]> {
    const batch = makeBatch(images, this.stride);
    const [N, H, W] = batch.shape;
    if (H !== this.height) throw new Error(`lines are ${H} px high, the model reads ${this.height} px`);
    const T = W / this.stride;
    const lengths = batch.widths.map((w) => Math.max(1, Math.ceil(w / this.stride)));
    const result = await this.session.run({
      image: new this.ort.Tensor('float32', batch.images, [N, 1, H, W]),
      lengths: new this.ort.Tensor('int32', Int32Array.from(lengths), [N]),
    });
    const logProbs = result.logProbs;
    try {
      return decodeAll({ lengths, T, C: logProbs.dims[2] }, logProbs.data as Float32Array, this.codec, decoding);
    } finally {
      logProbs.dispose();
    }
  }

  /** Reads lines in batches of similar width; results in input order; undefined if `control.signal` aborts. */
  readLines(
    images: readonly LineTensor[],
    batchSize = 16,
    decoding: Decoding = 1,
    control: ReadControl = {},
  ): Promise<Reading[] | undefined> {
    return readInWidthOrder(images, batchSize, control, (batch) => this.readBatch(batch, decoding));
  }

  async stop(): Promise<void> {
    await this.session.release();
  }
}
