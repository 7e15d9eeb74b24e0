// Past a page's last line: Enter opens the next page, Ctrl+↓ the next page with an unlabeled
// line, and in a review run Enter goes to the run's next line; where there is none, the page
// says why and the keys typed stay with the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PageView } from '../../../shared/api.ts';
import { pastEndHandler, type PageQueue } from '../../../renderer/src/lib/past-end.ts';

/** A page whose lines are all labeled or not, and the page after it. */
const pageView = (id: number, next: number | null, unlabeled: boolean) =>
  ({
    page: { id },
    nextPageId: next,
    lines: [{ id: id * 10, text: unlabeled ? null : 'done', regionId: null }],
    regions: [],
  }) as unknown as PageView;

function setup(pages: Record<number, PageView>, queue: PageQueue | null = null) {
  const opened: Array<[number, string]> = [];
  const said: string[] = [];
  const pastEnd = pastEndHandler({
    view: () => pages[1],
    queue: () => queue,
    getPage: async (id) => pages[id],
    openPage: (id, _line, typed) => opened.push([id, typed]),
    say: (m) => said.push(m),
  });
  return { pastEnd, opened, said };
}

test('Enter opens the next page with the keys typed; Ctrl+↓ the next page that has an unlabeled line', async () => {
  const pages = { 1: pageView(1, 2, false), 2: pageView(2, 3, false), 3: pageView(3, null, true) };
  const s = setup(pages);
  assert.equal(await s.pastEnd('next', () => 'An'), true);
  assert.equal(await s.pastEnd('unlabeled', () => 'no'), true);
  assert.deepEqual(s.opened, [
    [2, 'An'],
    [3, 'no'],
  ]);
});

test('at the last page, or with no unlabeled line after it, the page says so and opens nothing', async () => {
  const s = setup({ 1: pageView(1, null, false) });
  assert.equal(await s.pastEnd('next', () => ''), false);
  const t = setup({ 1: pageView(1, 2, false), 2: pageView(2, null, false) });
  assert.equal(await t.pastEnd('unlabeled', () => ''), false);
  assert.deepEqual(
    [...s.said, ...t.said],
    ['This is the last page of the document', 'No unlabeled line on the following pages of this document'],
  );
  assert.deepEqual([...s.opened, ...t.opened], []);
});

test('in a review run Enter asks the run: another page opened, a line here, the end said, a stop silent', async () => {
  const answers: Array<'page' | 'line' | 'end' | 'stopped'> = ['page', 'line', 'end', 'stopped'];
  const typed: string[] = [];
  const queue: PageQueue = {
    hint: '',
    kind: 'review',
    onStop: () => {},
    onNext: async (typedAhead) => {
      typed.push(typedAhead());
      return answers.shift()!;
    },
  };
  const s = setup({ 1: pageView(1, 2, false) }, queue);
  assert.deepEqual(
    [
      await s.pastEnd('queue', () => 'a'),
      await s.pastEnd('queue', () => 'b'),
      await s.pastEnd('queue', () => 'c'),
      await s.pastEnd('queue', () => 'd'),
    ],
    [true, false, false, false],
  );
  assert.deepEqual(typed, ['a', 'b', 'c', 'd'], 'the run reads the keys when it opens its line');
  assert.deepEqual(s.said, ['No reading left to review in this run']);
  assert.deepEqual(s.opened, [], 'the run opens its lines itself, not the next page');
  const failing = setup({ 1: pageView(1, 2, false) }, { ...queue, onNext: async () => Promise.reject(new Error('server away')) });
  assert.equal(await failing.pastEnd('queue', () => ''), false);
  assert.deepEqual(failing.said, ['server away']);
});
