// The K-page fine-tuning bench's split: the pages a model fine-tunes on are never among the
// pages it is scored on, for any K of the run, and the split is the seed's alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finetuneSplit } from '../../../bench/seg/finetune.ts';

const pages = Array.from({ length: 30 }, (_, i) => `page-${i}`);

test('finetuneSplit: no K scores a page it fine-tuned on; every K is scored on the same pages', () => {
  for (const seed of [1, 2, 15]) {
    for (const scoreCount of [Infinity, 5, 25]) {
      const { tune, score } = finetuneSplit(pages, [0, 3, 10], seed, scoreCount);
      assert.deepEqual([...tune.keys()], [0, 3, 10]);
      for (const [k, tuned] of tune) {
        assert.equal(tuned.length, k);
        assert.equal(new Set(tuned).size, k);
        for (const p of tuned) assert.ok(!score.includes(p), `K=${k} (seed ${seed}) scores ${p}, one of its corrected pages`);
      }
      // The scored pages: as many as asked (all but the largest K's otherwise), each once.
      assert.equal(score.length, Math.min(scoreCount, pages.length - 10));
      assert.equal(new Set(score).size, score.length);
      // The smaller K's pages are among the larger's, so K alone changes between rows.
      for (const p of tune.get(3)!) assert.ok(tune.get(10)!.includes(p));
    }
  }
});

test('finetuneSplit: the seed alone decides the pages; a K that would leave nothing to score is refused', () => {
  assert.deepEqual(finetuneSplit(pages, [3], 7), finetuneSplit(pages, [3], 7));
  assert.notDeepEqual(finetuneSplit(pages, [3], 7).tune.get(3), finetuneSplit(pages, [3], 8).tune.get(3));
  assert.throws(() => finetuneSplit(pages, [30], 1), /leaves none of the 30 pages to score/);
  assert.throws(() => finetuneSplit(pages, [-1], 1), /whole numbers/);
  // The input is not reordered.
  assert.deepEqual(
    pages,
    Array.from({ length: 30 }, (_, i) => `page-${i}`),
  );
});
