import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LineView } from '../../../shared/api.ts';
import { drawnLine, lineEdits, splitMarked, type LineEditHost } from '../../../renderer/src/lib/line-edits.ts';

const line = (id: number, order: number, text: string | null, regionId: number | null = null) =>
  ({ id, order, text, regionId }) as LineView;

/** A page of lines and a client that records each call; `after` is what the page reads after an edit. */
function page(
  lines: LineView[],
  o: { marked?: string | null; confirmed?: boolean; after?: LineView[]; drafts?: Record<number, string>; saveFails?: boolean } = {},
) {
  const calls: Array<[string, unknown]> = [];
  const said: string[] = [];
  const asked: string[] = [];
  let shown = lines;
  let selected: number | null = lines[0]?.id ?? null;
  const api = new Proxy({} as LineEditHost['api'], {
    get: (_, method: string) => async (request: unknown) => {
      calls.push([method, request]);
      return { lineId: 99, ok: true };
    },
  });
  const host: LineEditHost = {
    api,
    pageId: 7,
    lines: () => shown,
    async saveDraft(l) {
      const draft = o.drafts?.[l.id];
      if (draft === undefined) return l;
      if (o.saveFails) throw new Error('the server is gone');
      calls.push(['saveTranscription', { lineId: l.id, text: draft }]);
      return { ...l, text: draft };
    },
    selected: () => selected,
    select: (id) => (selected = id),
    async edit(what, fn) {
      await fn();
      shown = o.after ?? shown;
      said.push(what);
    },
    say: (s) => said.push(s),
    askSplit: async (text) => {
      asked.push(text);
      return o.marked ?? null;
    },
    confirm: (question) => {
      asked.push(question);
      return o.confirmed ?? false;
    },
  };
  return { tools: lineEdits(host), calls, said, asked, selected: () => selected };
}

test('a split text divides at the |, trimmed; without one nothing is split', async () => {
  assert.deepEqual(splitMarked('the sum of | forty shillings'), ['the sum of', 'forty shillings']);
  assert.equal(splitMarked('no mark'), null);

  const marked = page([line(1, 0, 'the sum of forty')], { marked: 'the sum | of forty' });
  await marked.tools.cut(120);
  assert.deepEqual(marked.calls, [['splitLine', { lineId: 1, x: 120, texts: ['the sum', 'of forty'] }]]);

  const unmarked = page([line(1, 0, 'the sum of forty')], { marked: 'the sum of forty' });
  await unmarked.tools.cut(120);
  assert.deepEqual(unmarked.calls, [], 'no | : the line stays whole');
  assert.deepEqual(unmarked.said, ['Not split: no | in the text']);

  const cancelled = page([line(1, 0, 'text')], { marked: null });
  await cancelled.tools.cut(5);
  assert.deepEqual(cancelled.calls, []);

  const untranscribed = page([line(1, 0, null)]);
  await untranscribed.tools.cut(5);
  assert.deepEqual(untranscribed.calls, [['splitLine', { lineId: 1, x: 5, texts: undefined }]], 'no text, no question');
});

test('a transcribed line is deleted only when the person confirms, and the API is told so', async () => {
  const refused = page([line(1, 0, 'kept')], { confirmed: false });
  await refused.tools.remove();
  assert.deepEqual(refused.calls, []);
  const confirmed = page([line(1, 0, 'gone')], { confirmed: true });
  await confirmed.tools.remove();
  assert.deepEqual(confirmed.calls, [['deleteLine', { lineId: 1, confirmed: true }]]);
  const blank = page([line(1, 0, null)]);
  await blank.tools.remove();
  assert.deepEqual(blank.calls, [['deleteLine', { lineId: 1, confirmed: false }]]);
});

test('merge takes the next line; the last line has none', async () => {
  const two = page([line(1, 0, null), line(2, 1, null)]);
  await two.tools.mergeWithNext();
  assert.deepEqual(two.calls, [['mergeLines', { lineIds: [1, 2] }]]);
  const last = page([line(1, 0, null)]);
  await last.tools.mergeWithNext();
  assert.deepEqual(last.calls, []);
});

test('a move that changed nothing says why', async () => {
  const inRegion = page([line(1, 0, null, 4)]);
  await inRegion.tools.moveBy(-1);
  assert.deepEqual(inRegion.calls, [['moveLine', { lineId: 1, order: 0 }]], 'never below 0');
  assert.match(inRegion.said.at(-1)!, /among its region's lines/);
  const moved = page([line(1, 0, null), line(2, 1, null)], { after: [line(2, 0, null), line(1, 1, null)] });
  await moved.tools.moveBy(1);
  assert.deepEqual(moved.said, ['Reading order changed']);
});

test('a drawn box becomes a line with its baseline at four fifths of its height, and is selected', async () => {
  const box: Array<[number, number]> = [
    [10, 100],
    [210, 100],
    [210, 150],
    [10, 150],
  ];
  assert.deepEqual(drawnLine(box).baseline, [
    [10, 140],
    [210, 140],
  ]);
  const p = page([]);
  await p.tools.add(box);
  assert.deepEqual(p.calls, [['addLine', { pageId: 7, ...drawnLine(box) }]]);
  assert.equal(p.selected(), 99);
});

test('a refused shape edit says why and saves nothing', async () => {
  const p = page([line(1, 0, null)]);
  await p.tools.reshape(1, { ok: false, reason: 'the polygon crosses itself' });
  assert.deepEqual(p.calls, []);
  assert.deepEqual(p.said, ['Shape not changed: the polygon crosses itself']);
});

test('text typed and not saved counts as the line’s text: saved first, then split by hand, asked before deletion, merged as text', async () => {
  const split = page([line(1, 0, null)], { drafts: { 1: 'Put day market' }, marked: 'Put day | market' });
  await split.tools.cut(80);
  assert.deepEqual(split.asked, ['Put day market'], 'the | dialog shows the typed text');
  assert.deepEqual(split.calls, [
    ['saveTranscription', { lineId: 1, text: 'Put day market' }],
    ['splitLine', { lineId: 1, x: 80, texts: ['Put day', 'market'] }],
  ]);

  const removed = page([line(1, 0, null)], { drafts: { 1: 'typed' }, confirmed: false });
  await removed.tools.remove();
  assert.match(removed.asked[0], /Delete line 1 and its transcription "typed"/);
  assert.deepEqual(removed.calls, [['saveTranscription', { lineId: 1, text: 'typed' }]], 'kept when the person says no');

  const merged = page([line(1, 0, null), line(2, 1, 'saved')], { drafts: { 1: 'typed' } });
  await merged.tools.mergeWithNext();
  assert.deepEqual(merged.calls, [
    ['saveTranscription', { lineId: 1, text: 'typed' }],
    ['mergeLines', { lineIds: [1, 2] }],
  ]);

  const failed = page([line(1, 0, null), line(2, 1, null)], { drafts: { 1: 'typed' }, saveFails: true });
  await failed.tools.mergeWithNext();
  await failed.tools.remove();
  await failed.tools.cut(3);
  assert.deepEqual(failed.calls, [], 'no edit while the typed text is not saved');
  assert.match(failed.said[0], /could not be saved first \(the server is gone\)/);
});
