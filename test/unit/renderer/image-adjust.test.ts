// The image adjustment's filter and what is remembered (renderer/src/lib/image-adjust.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cssFilter, loadAdjust, NO_ADJUST, saveAdjust } from '../../../renderer/src/lib/image-adjust.ts';

test('filter text, and a stored adjustment read back or, when damaged, none', () => {
  assert.equal(cssFilter(NO_ADJUST), 'none');
  assert.equal(cssFilter({ contrast: 1.8, brightness: 0.9, invert: true }), 'contrast(1.8) brightness(0.9) invert(1)');
  const store = new Map<string, string>();
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
  assert.deepEqual(loadAdjust(storage), NO_ADJUST);
  saveAdjust(storage, { contrast: 2, brightness: 1.2, invert: true });
  assert.deepEqual(loadAdjust(storage), { contrast: 2, brightness: 1.2, invert: true });
  store.set('quire.imageAdjust', '{"contrast": "x", "brightness": 1e9, "invert": "yes"}');
  assert.deepEqual(loadAdjust(storage), NO_ADJUST);
  store.set('quire.imageAdjust', 'not json');
  assert.deepEqual(loadAdjust(storage), NO_ADJUST);
});
