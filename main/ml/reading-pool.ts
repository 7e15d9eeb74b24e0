// Reading on all cores. The wasm backend runs on one thread, so transcription used one
// core; here worker threads (each with its own wasm instance and a replica of the model)
// read batches too. Lines are sorted by width and cut into batches of neighbours, so a
// batch pads little; batches go to whichever thread is free (the widest first, so the
// last batch to finish is a narrow one), and the main thread reads too. The readings are
// those of readLines exactly: the same batches, the same decoder.
import type { Worker } from 'node:worker_threads';
import type { BackendName } from './backend.ts';
import type { Codec } from './codec.ts';
import type { LineTensor } from './line-image.ts';
import type { Recognizer } from './model.ts';
import { readBatchAsync, type ReadControl, type Reading } from './recognize.ts';
import type { Decoding } from './decoding.ts';
import type { ReadingReply, ReadingRequest } from './reading-worker.ts';
import { yieldToEventLoop } from './optim.ts';
import { startWorkers } from './start-workers.ts';

export class ReadingPool {
  readonly engine = 'tfjs';
  private readonly workers: Worker[] = [];
  /** Workers that have exited: a request to one of them fails at once instead of waiting for ever. */
  private readonly exited = new Map<Worker, number>();

  private constructor(
    private readonly model: Recognizer,
    private readonly codec: Codec,
  ) {}

  /** Starts `threads - 1` workers with the model's current weights (the caller's thread is the first). */
  static async start(model: Recognizer, codec: Codec, backend: BackendName, threads: number): Promise<ReadingPool> {
    const pool = new ReadingPool(model, codec);
    const all = [...model.weights.values()];
    const weights = new Float32Array(all.reduce((a, v) => a + v.size, 0));
    let offset = 0;
    for (const v of all) {
      weights.set((await v.data()) as Float32Array, offset);
      offset += v.size;
    }
    await startWorkers(threads - 1, new URL('./reading-worker.mjs', import.meta.url), pool.workers, (worker) => {
      // Always listened to: a worker that crashes while idle is no unhandled 'error' of the
      // host; its exit fails the next request sent to it.
      worker.on('error', () => {});
      worker.once('exit', (code) => pool.exited.set(worker, code));
      return pool.request(worker, { kind: 'init', config: model.config, backend, weights, chars: codec.chars });
    });
    return pool;
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  private request(worker: Worker, message: ReadingRequest): Promise<ReadingReply> {
    return new Promise((resolve, reject) => {
      const stopped = (code: number) => new Error(`reading worker stopped (exit code ${code})`);
      if (this.exited.has(worker)) {
        reject(stopped(this.exited.get(worker)!));
        return;
      }
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: ReadingReply) => {
        settle();
        if (reply.kind === 'error') reject(new Error(`reading worker failed: ${reply.message}`));
        else resolve(reply);
      };
      const onError = (error: Error) => {
        settle();
        reject(error);
      };
      const onExit = (code: number) => {
        settle();
        reject(stopped(code));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(message);
    });
  }

  /** readLines on every thread of the pool; results in input order; undefined if `control.signal` aborts. */
  async readLines(
    images: readonly LineTensor[],
    batchSize = 16,
    decoding: Decoding = 1,
    control: ReadControl = {},
  ): Promise<Reading[] | undefined> {
    const order = [...images.keys()].sort((a, b) => images[a].width - images[b].width);
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
    batches.reverse(); // widest first
    const out: Reading[] = new Array(images.length);
    let next = 0;
    // Once one thread fails the others stop taking batches: the call has failed anyway.
    let failed = false;
    let done = 0;
    control.onBatch?.(0);
    const store = (batch: number[], readings: Reading[]) => {
      readings.forEach((r, j) => {
        out[batch[j]] = r;
      });
      control.onBatch?.((done += batch.length));
    };
    const run = async (read: (batch: number[]) => Promise<Reading[]>) => {
      while (!failed && !control.signal?.aborted && next < batches.length) {
        const batch = batches[next++];
        try {
          store(batch, await read(batch));
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const viaWorker = (worker: Worker) => async (batch: number[]) => {
      const reply = await this.request(worker, { kind: 'read', images: batch.map((k) => images[k]), decoding });
      return reply.kind === 'read' ? reply.readings : [];
    };
    // The main thread reads between yields, so the workers' replies are routed promptly.
    const own = async (batch: number[]) => {
      await yieldToEventLoop();
      return readBatchAsync(
        this.model,
        this.codec,
        batch.map((k) => images[k]),
        decoding,
      );
    };
    await Promise.all([...this.workers.map((w) => run(viaWorker(w))), run(own)]);
    return control.signal?.aborted ? undefined : out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
