// Keyboard editing of a line's points (renderer/src/lib/point-keys.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insertAfter, movePoint, nudge, pointAt, removePoint, stepPoint } from '../../../renderer/src/lib/point-keys.ts';
import type { LineShape } from '../../../shared/line-shape.ts';

const shape: LineShape = {
  polygon: [
    [100, 100],
    [700, 100],
    [700, 140],
    [100, 140],
  ],
  baseline: [
    [100, 132],
    [700, 132],
  ],
};

test('] and [ step round the polygon, then the baseline', () => {
  assert.deepEqual(stepPoint(shape, null, 1), { kind: 'polygon', index: 0 });
  assert.deepEqual(stepPoint(shape, null, -1), { kind: 'baseline', index: 1 });
  assert.deepEqual(stepPoint(shape, { kind: 'polygon', index: 3 }, 1), { kind: 'baseline', index: 0 });
  assert.deepEqual(stepPoint(shape, { kind: 'baseline', index: 1 }, 1), { kind: 'polygon', index: 0 });
  assert.deepEqual(pointAt(shape, { kind: 'baseline', index: 1 }), [700, 132]);
  // A point that is no longer there (after a removal) starts again from the first.
  assert.deepEqual(stepPoint(shape, { kind: 'polygon', index: 9 }, 1), { kind: 'polygon', index: 0 });
});

test('arrows nudge by 1 or 10; Enter, I and Backspace are the shared edits', () => {
  assert.deepEqual(nudge([5, 5], 'ArrowUp', false), [5, 4]);
  assert.deepEqual(nudge([5, 5], 'ArrowRight', true), [15, 5]);
  assert.equal(nudge([5, 5], 'x', false), null);
  const moved = movePoint(shape, { kind: 'polygon', index: 0 }, [100, 90]);
  assert.ok(moved.ok && moved.shape.polygon[0][1] === 90);
  const lower = movePoint(shape, { kind: 'baseline', index: 0 }, [100, 150]);
  assert.ok(lower.ok && lower.shape.baseline![0][1] === 140, 'kept inside the polygon');
  const added = insertAfter(shape, { kind: 'polygon', index: 3 });
  assert.ok(added.ok);
  assert.deepEqual(added.shape.polygon.at(-1), [100, 120], 'after the last point: halfway back to the first');
  const onBaseline = insertAfter(shape, { kind: 'baseline', index: 1 });
  assert.ok(onBaseline.ok);
  assert.deepEqual(
    onBaseline.shape.baseline,
    [
      [100, 132],
      [400, 132],
      [700, 132],
    ],
    "after the baseline's end: before it",
  );
  const removed = removePoint(shape, { kind: 'baseline', index: 0 });
  assert.equal(removed.ok, false, 'a baseline keeps 2 points');
});
