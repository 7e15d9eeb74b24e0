// Where lines kept through a new segmentation go among the new lines: pure, on polygons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveLineInOrder, readingOrder } from '../../../main/layout/reading-order.ts';
import type { Point } from '../../../main/io/layout.ts';

const box = (x0: number, y0: number, w = 100): Point[] => [
  [x0, y0],
  [x0 + w, y0],
  [x0 + w, y0 + 20],
  [x0, y0 + 20],
];
const ids = (lines: Array<{ id: number }>) => lines.map((l) => l.id);

test('with a model order, a kept line goes before the first new line below it in its column; without, top to bottom', () => {
  const added = [
    { id: 1, polygon: box(0, 0) },
    { id: 2, polygon: box(0, 60) },
    { id: 3, polygon: box(300, 10) },
  ];
  const kept = [{ id: 9, polygon: box(0, 30) }];
  assert.deepEqual(ids(readingOrder(kept, added, true)), [1, 9, 2, 3]);
  assert.deepEqual(ids(readingOrder(kept, added, false)), [1, 3, 9, 2]);
});

test('a margin note that grazes the column, or lies in another region, does not pull a kept line ahead of its own region', () => {
  // The model's order: the margin note first (its region comes first), then the main text;
  // the note is lower on the page than the kept line, and overlaps its column by 5 px.
  const note = { id: 50, polygon: box(395, 420, 100), region: 2 };
  const text = [60, 160, 260, 460].map((y) => ({ id: y, polygon: box(0, y, 400), region: 1 }));
  const kept = [{ id: 360, polygon: box(0, 360, 400), region: 1 }];
  assert.deepEqual(ids(readingOrder(kept, [note, ...text], true)), [50, 60, 160, 260, 360, 460]);
  // Without regions, the note shares 5 px of a 100 px span: not the same column either.
  const bare = (l: { id: number; polygon: Point[] }) => ({ id: l.id, polygon: l.polygon });
  assert.deepEqual(ids(readingOrder(kept.map(bare), [note, ...text].map(bare), true)), [50, 60, 160, 260, 360, 460]);
});

test("a kept line below every new line of its region goes after the region's last line, before the next region", () => {
  const text = [0, 40].map((y) => ({ id: y + 1, polygon: box(0, y, 400), region: 1 }));
  const notes = [{ id: 100, polygon: box(0, 900, 400), region: 2 }];
  const kept = [{ id: 7, polygon: box(0, 80, 400), region: 1 }];
  assert.deepEqual(ids(readingOrder(kept, [...notes, ...text], true)), [100, 1, 41, 7]);
  // A kept line whose region has no new line: before the first line below it in its column.
  const alone = [{ id: 8, polygon: box(0, 500, 400), region: 3 }];
  assert.deepEqual(ids(readingOrder(alone, [...text, ...notes], true)), [1, 41, 8, 100]);
});

test('a line moves within its region; a line in no region passes whole regions; a move past the bounds stops at them', () => {
  // Regions 1 (a1 a2) and 2 (b1 b2), with x in no region between them and y last.
  const page = [
    { id: 11, region: 1 },
    { id: 12, region: 1 },
    { id: 30, region: null },
    { id: 21, region: 2 },
    { id: 22, region: 2 },
    { id: 40, region: null },
  ];
  assert.deepEqual(moveLineInOrder(page, 22, 3), [11, 12, 30, 22, 21, 40], 'up within its region');
  assert.deepEqual(moveLineInOrder(page, 21, 1), [11, 12, 30, 21, 22, 40], "stops at its region's first line");
  assert.deepEqual(moveLineInOrder(page, 12, 4), [11, 12, 30, 21, 22, 40], "stops at its region's last line");
  assert.deepEqual(moveLineInOrder(page, 11, 1), [12, 11, 30, 21, 22, 40]);
  assert.deepEqual(moveLineInOrder(page, 30, 1), [30, 11, 12, 21, 22, 40], 'up past region 1 whole');
  assert.deepEqual(moveLineInOrder(page, 30, 3), [11, 12, 21, 22, 30, 40], 'down past region 2 whole');
  assert.deepEqual(moveLineInOrder(page, 40, 4), [11, 12, 30, 40, 21, 22]);
  assert.deepEqual(moveLineInOrder(page, 40, 0), [40, 11, 12, 30, 21, 22]);
  assert.deepEqual(moveLineInOrder(page, 30, 99), [11, 12, 21, 22, 40, 30]);
  // A page without regions: any place.
  const free = [1, 2, 3].map((id) => ({ id, region: null }));
  assert.deepEqual(moveLineInOrder(free, 3, 1), [1, 3, 2]);
  assert.throws(() => moveLineInOrder(free, 9, 0), /no line 9/);
});

test('the only line of its region stays in place when moved, never jumping to the top of the page', () => {
  // A line moves within its region's lines; with none beside it there is nowhere else to go
  // (the region moves whole by moveRegion). It once had no allowed place and went first.
  const page = [
    { id: 1, region: null },
    { id: 2, region: null },
    { id: 3, region: 5 },
  ];
  for (const order of [0, 1, 2, 9]) assert.deepEqual(moveLineInOrder(page, 3, order), [1, 2, 3], `to ${order}`);
  const between = [
    { id: 11, region: 1 },
    { id: 3, region: 5 },
    { id: 21, region: 2 },
  ];
  assert.deepEqual(moveLineInOrder(between, 3, 2), [11, 3, 21]);
});
