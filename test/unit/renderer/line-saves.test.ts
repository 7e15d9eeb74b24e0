// The transcription panel's background saves: one after another, the draft kept until its
// save succeeds, failures kept by line until that line is saved or gone, nothing sent twice
// for a line left while its text is on its way, and nothing sent once the window shows
// another project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSaves, type SaveFailure, type SavedLine } from '../../../renderer/src/lib/line-saves.ts';

function setUp(send: (line: SavedLine, text: string) => Promise<void>) {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  let failures: ReadonlyMap<number, SaveFailure> = new Map();
  let ours = true;
  const saves = new LineSaves<SavedLine>({
    storage,
    keyOf: (id) => `draft.${id}`,
    send,
    stillOurs: () => ours,
    onFailures: (f) => (failures = f),
  });
  return { saves, store, failures: () => failures, leaveProject: () => (ours = false) };
}

const line = (id: number, text: string | null = null): SavedLine => ({ id, order: id - 1, text });

test('saves run in order; a saved text leaves no draft, an unchanged one sends nothing', async () => {
  const sent: string[] = [];
  let release!: () => void;
  const first = new Promise<void>((r) => (release = r));
  const { saves, store } = setUp(async (l, text) => {
    if (l.id === 1) await first;
    sent.push(`${l.id}:${text}`);
  });
  saves.save(line(1), 'one');
  saves.save(line(2), 'two');
  saves.save(line(3, 'same'), 'same');
  assert.equal(store.get('draft.1'), 'one', 'kept as a draft while on its way');
  assert.ok(saves.unsettled);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(sent, [], 'the second waits for the first');
  release();
  await saves.settled();
  assert.deepEqual(sent, ['1:one', '2:two']);
  assert.equal(store.size, 0);
  assert.ok(!saves.unsettled);
});

test('a failed save keeps its draft and its failure, which only that line clears', async () => {
  let refuse = true;
  const { saves, store, failures } = setUp(async (l) => {
    if (refuse && l.id === 1) throw new Error('disk full');
  });
  saves.save(line(1), 'first try');
  await saves.settled();
  assert.equal(store.get('draft.1'), 'first try');
  assert.deepEqual([...failures()], [[1, { message: 'line 1 not saved (kept as a draft): disk full', text: 'first try' }]]);
  assert.ok(saves.hasFailures && saves.unsettled);
  saves.save(line(2), 'other line');
  await saves.settled();
  assert.equal(failures().size, 1, "another line's save leaves it");
  // The page reloaded: line 1 still without that text keeps the failure; once it holds it (saved elsewhere), it goes.
  saves.pageChanged([line(1), line(2, 'other line')]);
  assert.equal(failures().size, 1);
  saves.pageChanged([line(1, 'first try'), line(2, 'other line')]);
  assert.equal(failures().size, 0);
  // Failed again, then the line left the page (merged away): the failure goes, the draft stays.
  saves.save(line(1), 'second try');
  await saves.settled();
  assert.equal(failures().size, 1);
  saves.pageChanged([line(2, 'other line')]);
  assert.equal(failures().size, 0);
  refuse = false;
  saves.save(line(1), 'third try');
  await saves.settled();
  assert.equal(store.get('draft.1'), undefined);
});

test('a line left while its text is on its way is not sent again; a line gone from the page keeps its draft', async () => {
  const sent: string[] = [];
  const { saves, store } = setUp(async (l, text) => void sent.push(`${l.id}:${text}`));
  saves.save(line(1), 'typed');
  saves.saveLeft(line(1), [line(1), line(2)]);
  store.set('draft.2', 'typed on a line then merged away');
  saves.saveLeft(line(2), [line(1)]);
  await saves.settled();
  assert.deepEqual(sent, ['1:typed']);
  assert.equal(store.get('draft.2'), 'typed on a line then merged away');
  // A draft left behind (typed, never saved) is saved on leaving, on the line as the page has it now.
  store.set('draft.3', 'left behind');
  saves.saveLeft(line(3), [line(3, 'saved before')]);
  await saves.settled();
  assert.deepEqual(sent, ['1:typed', '3:left behind']);
});

test('once the window shows another project, nothing more is sent: the texts stay drafts', async () => {
  const sent: string[] = [];
  const { saves, store, failures, leaveProject } = setUp(async (l, text) => void sent.push(`${l.id}:${text}`));
  leaveProject();
  saves.save(line(4), 'typed before the switch');
  await saves.settled();
  assert.deepEqual(sent, []);
  assert.equal(store.get('draft.4'), 'typed before the switch');
  assert.match(failures().get(4)!.message, /another project was opened meanwhile/);
});
