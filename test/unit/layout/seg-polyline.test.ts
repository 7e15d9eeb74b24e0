// Baselines as polylines in the segmentation post-processing: ends moved inward and a
// baseline cut where the line it carries has a gap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../../../main/io/layout.ts';
import { simplifyPolyline, splitAtGaps, trimEnds, yAt } from '../../../main/layout/seg-polyline.ts';

const slope: Point[] = [
  [0, 10],
  [50, 20],
  [100, 20],
];

test('yAt interpolates between points and holds the ends', () => {
  assert.equal(yAt(slope, 25), 15);
  assert.equal(yAt(slope, 80), 20);
  assert.equal(yAt(slope, -5), 10);
  assert.equal(yAt(slope, 200), 20);
});

test('trimEnds moves both ends inward along the line, not past a third of its length', () => {
  assert.deepEqual(trimEnds(slope, 10), [
    [10, 12],
    [50, 20],
    [90, 20],
  ]);
  assert.equal(trimEnds(slope, 0), slope);
  // A point next to a new end is left out (it would sit on the end's handle).
  assert.deepEqual(trimEnds(slope, 48), slope);
  assert.deepEqual(trimEnds(slope, 30), [
    [30, 16],
    [50, 20],
    [70, 20],
  ]);
  assert.deepEqual(trimEnds(slope, 2).length, 3);
  assert.deepEqual(
    trimEnds(
      [
        [0, 0],
        [11, 0],
        [50, 0],
      ],
      10,
    ),
    [
      [10, 0],
      [40, 0],
    ],
  );
  assert.equal(trimEnds(slope, 40), slope);
});

test('splitAtGaps cuts where the line is empty for long enough, and only inside it', () => {
  const line: Point[] = [
    [0, 10],
    [30, 10],
    [60, 10],
    [100, 10],
  ];
  // Empty from x = 40 to 47 (8 columns), and at both ends.
  const present = (x: number) => x > 3 && x < 96 && (x < 40 || x > 47);
  const pieces = splitAtGaps(line, present, 6);
  assert.deepEqual(pieces, [
    [
      [0, 10],
      [30, 10],
      [39, 10],
    ],
    [
      [48, 10],
      [60, 10],
      [100, 10],
    ],
  ]);
  // A shorter gap than asked for cuts nothing.
  assert.deepEqual(splitAtGaps(line, present, 9), [line]);
  assert.deepEqual(
    splitAtGaps(line, () => true, 1),
    [line],
  );
});

test('splitAtGaps measures a gap that starts left of the image (negative columns) from its start', () => {
  const line: Point[] = [
    [-20, 10],
    [100, 10],
  ];
  // Empty from x = -8 to 5: 14 columns, wider than the 10 asked for.
  const pieces = splitAtGaps(line, (x) => x < -8 || x > 5, 10);
  assert.deepEqual(pieces, [
    [
      [-20, 10],
      [-9, 10],
    ],
    [
      [6, 10],
      [100, 10],
    ],
  ]);
  assert.deepEqual(
    splitAtGaps([], () => true, 1),
    [[]],
  );
});

test('simplifyPolyline drops points near the straight line through their neighbours and keeps corners and ends', () => {
  const line: Point[] = [
    [0, 0],
    [10, 0.5],
    [20, 0],
    [30, 10],
    [40, 10.4],
    [50, 10],
  ];
  assert.deepEqual(simplifyPolyline(line, 1), [
    [0, 0],
    [20, 0],
    [30, 10],
    [50, 10],
  ]);
  assert.equal(simplifyPolyline(line, 0), line);
  assert.deepEqual(simplifyPolyline(line, 100), [
    [0, 0],
    [50, 10],
  ]);
});
