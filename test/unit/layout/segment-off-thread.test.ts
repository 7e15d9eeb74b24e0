// Segmentation in its worker thread: the same lines as in-process, for the classical
// segmenter and the trained model, while the main thread runs on; the bundled model falls
// back to the classical segmenter where it cannot be loaded, and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { segmentPage } from '../../../main/layout/segment.ts';
import { segmentOffThread } from '../../../main/layout/segment-off-thread.ts';
import { fromClassical, fromModel } from '../../../main/layout/found-layout.ts';
import { BUNDLED_SEGMENTER_FILE, resolveSegmenter } from '../../../main/layout/segmenters.ts';
import { loadSegmenter } from '../../../main/layout/seg-model-file.ts';
import { segmentWithModel } from '../../../main/layout/seg-infer.ts';
import { initBackend } from '../../../main/ml/backend.ts';
import { synthPage } from '../../../bench/synth/page.ts';
import { tempDir } from '../../helpers/project.ts';

test("the worker finds exactly the lines segmentPage finds, and leaves the caller's pixels alone", async () => {
  const page = synthPage(3).image;
  const before = page.data.length;
  assert.deepEqual(await segmentOffThread(page), fromClassical(segmentPage(page)));
  assert.equal(page.data.length, before, 'the pixels were copied, not moved to the worker');
});

test('the main thread keeps running while pages are segmented, and requests resolve in order', async () => {
  const pages = [synthPage(5).image, synthPage(6).image];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const [a, b] = await Promise.all(pages.map((p) => segmentOffThread(p)));
    assert.deepEqual(a.lines, fromClassical(segmentPage(pages[0])).lines);
    assert.deepEqual(b.lines, fromClassical(segmentPage(pages[1])).lines);
  } finally {
    clearInterval(timer);
  }
  // Segmenting in the main thread would not let a single timer fire until it had finished.
  assert.ok(ticks >= 3, `only ${ticks} timer ticks while two pages were segmented`);
});

test('the bundled model runs in the worker: the same lines and regions as in-process, timers firing meanwhile', async () => {
  const page = synthPage(4, { marginNotes: 3, lines: 14 }).image;
  const segmenter = await resolveSegmenter();
  assert.equal(segmenter.name, 'bundled');
  assert.equal(segmenter.fallback, undefined);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const found = await segmenter.segment(page).finally(() => clearInterval(timer));
  assert.ok(ticks >= 3, `only ${ticks} timer ticks while the model segmented a page`);
  await initBackend();
  assert.deepEqual(found, fromModel(segmentWithModel(loadSegmenter(BUNDLED_SEGMENTER_FILE), page)));
  assert.ok(found.regions.length >= 2 && found.lines.every((l) => l.region !== null));
});

test('a missing or broken bundled model falls back to the classical segmenter and says why; a named file must work', async () => {
  const dir = tempDir();
  const missing = await resolveSegmenter('bundled', join(dir, 'none.qseg'));
  assert.equal(missing.name, 'classical');
  assert.match(missing.fallback!, /no bundled segmentation model/);
  const broken = join(dir, 'broken.qseg');
  writeFileSync(broken, 'QUIRESEG but not really a model');
  const unloadable = await resolveSegmenter('bundled', broken);
  assert.equal(unloadable.name, 'classical');
  assert.match(unloadable.fallback!, /could not be loaded/);
  const page = synthPage(3).image;
  assert.deepEqual(await unloadable.segment(page), fromClassical(segmentPage(page)));
  await assert.rejects(resolveSegmenter(broken), /broken\.qseg|segmentation model/);
  assert.equal((await resolveSegmenter('classical')).fallback, undefined);
});
