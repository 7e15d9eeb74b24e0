// A draft typed on a line that then leaves the page (deleted, merged, replaced) is dropped,
// so a later line that takes the same id starts from its own text, not the old typing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftKey, forgetVanishedDrafts, unsavedDrafts } from '../../../renderer/src/lib/drafts.ts';

test('drafts of lines that left the page are dropped, the others kept', () => {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  for (const id of [1, 2, 3]) storage.setItem(draftKey(id, '/p'), `typed on ${id}`);
  storage.setItem(draftKey(2, '/other'), 'another project');
  forgetVanishedDrafts([1, 2, 3], [1, 3, 4], storage, '/p');
  assert.deepEqual([...store.keys()].sort(), [draftKey(1, '/p'), draftKey(3, '/p'), draftKey(2, '/other')].sort());
});

test('unsaved drafts: non-blank text typed on untranscribed lines only', () => {
  const store = new Map<string, string>([
    [draftKey(1, '/p'), 'typed, not saved'],
    [draftKey(2, '/p'), 'an edit of a transcribed line'],
    [draftKey(3, '/p'), '   '],
  ]);
  const storage = { getItem: (k: string) => store.get(k) ?? null };
  const lines = [
    { id: 1, text: null },
    { id: 2, text: 'saved' },
    { id: 3, text: null },
    { id: 4, text: null },
  ];
  assert.deepEqual(unsavedDrafts(lines, storage, '/p'), [{ lineId: 1, text: 'typed, not saved' }]);
});
