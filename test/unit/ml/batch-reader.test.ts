// The batches of a run (BatchReader): batchIndices' lines, each read from the source once
// per pool of batches, and none kept from one pool to the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchIndices, BatchReader, POOL_BATCHES, type LineSource, type Sample } from '../../../main/ml/data.ts';

/** A source of 40 lines of different widths that counts its reads. */
function countingSource(): LineSource & { reads: number[] } {
  const reads: number[] = [];
  return {
    size: 40,
    reads,
    get(i: number): Sample {
      reads.push(i);
      return { text: String(i), image: { data: new Float32Array(0), width: 10 + ((i * 7) % 13), height: 1 } as Sample['image'] };
    },
  };
}

test('a batch reader gives batchIndices’ lines, each read once per pool of batches', () => {
  const source = countingSource();
  const reader = new BatchReader(source, 4, 3);
  const plain = countingSource();
  const poolReads: number[][] = [];
  for (let step = 0; step < 3 * POOL_BATCHES; step++) {
    const before = source.reads.length;
    const want = batchIndices(plain, 4, 3, step, (i) => plain.get(i).image.width);
    assert.deepEqual(
      reader.batch(step).map((s) => Number(s.text)),
      want,
      `step ${step}`,
    );
    if (step % POOL_BATCHES === 0) poolReads.push([]);
    poolReads.at(-1)!.push(...source.reads.slice(before));
  }
  // A pool is 4 × 8 = 32 of the 40 lines: each is read once in its pool, and again in the next pool that has it.
  for (const reads of poolReads) {
    assert.equal(reads.length, 32);
    assert.equal(new Set(reads).size, 32);
  }
});
