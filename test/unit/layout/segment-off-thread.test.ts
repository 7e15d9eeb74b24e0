// Segmentation in its worker thread: the same lines as in-process, while the main thread runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentPage } from '../../../main/layout/segment.ts';
import { segmentOffThread } from '../../../main/layout/segment-off-thread.ts';
import { synthPage } from '../../../bench/synth/page.ts';

test('the worker finds exactly the lines segmentPage finds, and leaves the caller\'s pixels alone', async () => {
  const page = synthPage(3).image;
  const before = page.data.length;
  assert.deepEqual(await segmentOffThread(page), segmentPage(page));
  assert.equal(page.data.length, before, 'the pixels were copied, not moved to the worker');
});

test('the main thread keeps running while pages are segmented, and requests resolve in order', async () => {
  const pages = [synthPage(5).image, synthPage(6).image];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const [a, b] = await Promise.all(pages.map((p) => segmentOffThread(p)));
    assert.deepEqual(a.lines, segmentPage(pages[0]).lines);
    assert.deepEqual(b.lines, segmentPage(pages[1]).lines);
  } finally {
    clearInterval(timer);
  }
  // Segmenting in the main thread would not let a single timer fire until it had finished.
  assert.ok(ticks >= 3, `only ${ticks} timer ticks while two pages were segmented`);
});
