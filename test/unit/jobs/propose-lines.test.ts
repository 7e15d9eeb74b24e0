// Which lines the app proposes to annotate (suggest.ts's proposeLines, also what the
// few-labels experiment labels with --label-choice suggested): the least confident first,
// one per page per round, so a hard page does not take the whole budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proposeLines } from '../../../main/jobs/suggest.ts';

const line = (lineId: number, pageId: number | string, confidence: number) => ({ lineId, pageId, confidence });

test('takes one line per page per round, pages in the order of their least confident line', () => {
  const lines = [line(1, 'a', 0.1), line(2, 'a', 0.2), line(3, 'a', 0.3), line(4, 'b', 0.5), line(5, 'b', 0.15), line(6, 'c', 0.9)];
  // Round 1: a's 0.1, b's 0.15, c's 0.9; round 2: a's 0.2, b's 0.5; round 3: a's 0.3.
  assert.deepEqual(
    proposeLines(lines, 6).map((l) => l.lineId),
    [1, 5, 6, 2, 4, 3],
  );
  // Pure confidence ranking would take a's three lines before c's one.
  assert.deepEqual(
    proposeLines(lines, 3).map((l) => l.lineId),
    [1, 5, 6],
  );
});

test('stops at the count, ties go to the lower line id, and the input is left as it was', () => {
  const lines = [line(9, 1, 0.4), line(3, 1, 0.4), line(7, 2, 0.4)];
  const copy = structuredClone(lines);
  assert.deepEqual(
    proposeLines(lines, 2).map((l) => l.lineId),
    [3, 7],
  );
  assert.deepEqual(lines, copy);
  assert.deepEqual(proposeLines(lines, 0), []);
  assert.equal(proposeLines(lines, 10).length, 3);
});
