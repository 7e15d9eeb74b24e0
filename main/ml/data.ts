// Training data as the trainer reads it: a finite list of encoded lines, or an endless
// stream (synthetic data), both addressed by index so that the batch of every step is a
// pure function of (seed, step) and a resumed run sees exactly the same batches.
import { Rng } from './random.ts';
import type { LineTensor } from './line-image.ts';

export interface Sample {
  image: LineTensor;
  text: string;
  /**
   * Multiplies this line's loss, and so its gradient (default 1): lines whose text is a
   * model's reading rather than a person's (self-training) count for less.
   */
  weight?: number;
}

export interface LineSource {
  /** Number of lines, or Infinity for a generated stream. */
  readonly size: number;
  get(index: number): Sample;
}

export class ArraySource implements LineSource {
  constructor(private readonly samples: Sample[]) {}
  get size(): number {
    return this.samples.length;
  }
  get(index: number): Sample {
    return this.samples[index];
  }
}

/** Lines taken from a pool of 8 batches are sorted by width before splitting: little padding, still random. */
export const POOL_BATCHES = 8;

/**
 * Indices of the lines in the batch of `step`. Finite sources are reshuffled every epoch;
 * the last partial pool of an epoch is dropped so every batch is full.
 */
export function batchIndices(source: LineSource, batchSize: number, seed: number, step: number, widthOf: (i: number) => number): number[] {
  const poolSize = batchSize * POOL_BATCHES;
  const pool = Math.floor(step / POOL_BATCHES);
  let indices: number[];
  if (!Number.isFinite(source.size)) {
    indices = Array.from({ length: poolSize }, (_, k) => pool * poolSize + k);
  } else {
    const size = Math.max(1, Math.min(poolSize, source.size));
    const poolsPerEpoch = Math.max(1, Math.floor(source.size / size));
    const epoch = Math.floor(pool / poolsPerEpoch);
    const order = new Rng(seed * 1000003 + epoch).shuffle([...Array(source.size).keys()]);
    const start = (pool % poolsPerEpoch) * size;
    indices = order.slice(start, start + size);
  }
  // Sort by width with ±10 % jitter, so batches hold similar widths yet differ from one
  // epoch to the next, and visit the pool's batches in a shuffled order.
  const rng = new Rng(seed * 7919 + pool);
  const key = new Map(indices.map((i) => [i, widthOf(i) * (0.9 + 0.2 * rng.next())]));
  indices.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
  const perBatch = Math.ceil(indices.length / POOL_BATCHES);
  const k = rng.shuffle([...Array(POOL_BATCHES).keys()])[step % POOL_BATCHES];
  const chosen = indices.slice(k * perBatch, (k + 1) * perBatch);
  // Batches of a small source can come out empty; fall back to the first lines of the pool.
  return chosen.length ? chosen : indices.slice(0, batchSize);
}

/**
 * The batches of a run, read from the source once per pool of batches: batchIndices sorts a
 * pool by width, so its lines are cached for the pool's steps, then dropped (a corpus of
 * real lines does not fit in memory as float tensors).
 */
export class BatchReader {
  private readonly cache = new Map<number, Sample>();

  constructor(
    private readonly source: LineSource,
    private readonly batchSize: number,
    private readonly seed: number,
  ) {}

  batch(step: number): Sample[] {
    if (step % POOL_BATCHES === 0) this.cache.clear();
    return batchIndices(this.source, this.batchSize, this.seed, step, (i) => this.line(i).image.width).map((i) => this.line(i));
  }

  private line(i: number): Sample {
    let s = this.cache.get(i);
    if (!s) {
      s = this.source.get(i);
      this.cache.set(i, s);
    }
    return s;
  }
}
