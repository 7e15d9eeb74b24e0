// The prose tuning set's draw: a fixed seed gives the same pages every run, in the collection's order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawPages } from '../../../bench/seg-tuning-sets.ts';
import type { PageEntry } from '../../../bench/seg/real-pages.ts';

const entries: PageEntry[] = Array.from({ length: 30 }, (_, i) => ({ collection: 'c', xml: `${i}.xml`, image: `${i}.jpg` }));

test('drawPages: the same seed draws the same distinct pages, in order; another seed others; all when asked for more', () => {
  const a = drawPages(entries, 10, 15);
  assert.deepEqual(a, drawPages(entries, 10, 15));
  assert.equal(new Set(a).size, 10);
  const index = a.map((e) => entries.indexOf(e));
  assert.deepEqual(
    index,
    [...index].sort((x, y) => x - y),
  );
  assert.notDeepEqual(drawPages(entries, 10, 16), a);
  assert.deepEqual(drawPages(entries, 40, 15), entries);
});
