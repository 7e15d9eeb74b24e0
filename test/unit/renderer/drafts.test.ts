// A draft typed on a line that then leaves the page (deleted, merged, replaced) is dropped,
// so a later line that takes the same id starts from its own text, not the old typing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftKey, forgetVanishedDrafts, pendingDraft, saveDraftsOfPages, unsavedDrafts } from '../../../renderer/src/lib/drafts.ts';

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

test('before Find lines on pages, drafts on their untranscribed lines are saved and dropped; pages are not read when there is no draft', async () => {
  const store = new Map<string, string>([
    [draftKey(1, '/p'), 'typed on page 10'],
    [draftKey(5, '/p'), 'typed on page 11'],
    [draftKey(6, '/p'), 'an edit of a transcribed line'],
    [draftKey(1, '/other'), 'another project'],
  ]);
  const storage = {
    get length() {
      return store.size;
    },
    key: (i: number) => [...store.keys()][i] ?? null,
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  const pages: Record<number, Array<{ id: number; text: string | null }>> = {
    10: [
      { id: 1, text: null },
      { id: 2, text: null },
    ],
    11: [
      { id: 5, text: null },
      { id: 6, text: 'saved' },
    ],
  };
  const read: number[] = [];
  const saved: Array<{ lineId: number; text: string }> = [];
  const api = {
    getPage: async ({ pageId }: { pageId: number }) => (read.push(pageId), { lines: pages[pageId] }),
    saveTranscription: async (r: { lineId: number; text: string }) => void saved.push(r),
  };
  assert.equal(await saveDraftsOfPages([10, 11], api, storage, '/p'), 2);
  assert.deepEqual(saved, [
    { lineId: 1, text: 'typed on page 10' },
    { lineId: 5, text: 'typed on page 11' },
  ]);
  assert.deepEqual([...store.keys()].sort(), [draftKey(6, '/p'), draftKey(1, '/other')].sort());
  // A project without drafts: no page is read.
  read.length = 0;
  assert.equal(await saveDraftsOfPages([10, 11], api, storage, '/empty'), 0);
  assert.deepEqual(read, []);
});

test('a pending draft is typed text that differs from the saved text and is not blank', () => {
  const store = new Map<string, string>([
    [draftKey(1, '/p'), 'new text'],
    [draftKey(2, '/p'), 'same'],
    [draftKey(3, '/p'), '  '],
    [draftKey(4, '/p'), 'edited'],
  ]);
  const storage = { getItem: (k: string) => store.get(k) ?? null };
  assert.equal(pendingDraft({ id: 1, text: null }, storage, '/p'), 'new text');
  assert.equal(pendingDraft({ id: 2, text: 'same' }, storage, '/p'), null);
  assert.equal(pendingDraft({ id: 3, text: null }, storage, '/p'), null);
  assert.equal(pendingDraft({ id: 4, text: 'saved' }, storage, '/p'), 'edited');
  assert.equal(pendingDraft({ id: 5, text: null }, storage, '/p'), null);
});
