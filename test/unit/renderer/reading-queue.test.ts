// A run of Review or Annotate next asks the project for its next line at each step: a line
// saved meanwhile has left the list, a line skipped (visited, not saved) is passed over, and
// the run ends when nothing is left, never looping on a line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LineToRead } from '../../../shared/api.ts';
import { nextInQueue, startQueue, type QueueSource } from '../../../renderer/src/lib/reading-queue.ts';

const line = (lineId: number, confidence: number): LineToRead => ({
  lineId,
  pageId: 1 + (lineId % 2),
  documentId: 1,
  documentName: 'd',
  pageIndex: 0,
  cropKey: 'k',
  prediction: 'x',
  confidence,
});

/** A project whose unconfirmed readings are `open`, least confident first; the limits asked are kept. */
function project(open: LineToRead[]) {
  const asked: Array<[string, number]> = [];
  const list =
    (method: string) =>
    async ({ limit }: { limit: number }) => {
      asked.push([method, limit]);
      return [...open].sort((a, b) => a.confidence - b.confidence).slice(0, limit);
    };
  const source: QueueSource = { reviewLines: list('review'), suggestLines: list('suggest') };
  return { source, asked, open };
}

test('a review run goes through the readings least confident first, passing over the lines it visited', async () => {
  const p = project([line(1, 0.2), line(2, 0.1), line(3, 0.5)]);
  // Opened on line 2 from the list: the next is line 1.
  const run = startQueue('review', 2);
  assert.equal((await nextInQueue(run, p.source))?.lineId, 1);
  // Line 1 saved: it leaves the list. Line 2 was skipped (still listed): passed over.
  p.open.splice(
    p.open.findIndex((l) => l.lineId === 1),
    1,
  );
  assert.equal((await nextInQueue(run, p.source))?.lineId, 3);
  assert.equal(await nextInQueue(run, p.source), null, 'every line visited: the run ends');
  assert.deepEqual(
    p.asked.map(([m]) => m),
    ['review', 'review', 'review'],
  );
  assert.deepEqual(
    p.asked.map(([, limit]) => limit),
    [2, 3, 4],
    'enough lines to find one not visited',
  );
});

test('an annotate run asks for proposed lines; a new run starts with nothing visited', async () => {
  const p = project([line(7, 0.3), line(8, 0.4)]);
  const run = startQueue('annotate');
  assert.equal((await nextInQueue(run, p.source))?.lineId, 7);
  assert.equal((await nextInQueue(run, p.source))?.lineId, 8);
  assert.equal((await nextInQueue(startQueue('annotate'), p.source))?.lineId, 7);
  assert.ok(p.asked.every(([m]) => m === 'suggest'));
});

test('a run never asks for more lines than the API lists at once', async () => {
  const p = project([]);
  const run = startQueue('review');
  for (let id = 1; id <= 1500; id++) run.visited.add(id);
  assert.equal(await nextInQueue(run, p.source), null);
  assert.deepEqual(p.asked, [['review', 1000]]);
});
