// Line shapes: polygon and baseline edits, and the consistency they keep (shared/line-shape.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Point } from '../../../shared/api.ts';
import {
  crossesItself,
  fitBaseline,
  insertBaselinePoint,
  insertPolygonPoint,
  isConsistent,
  moveBaseline,
  moveBaselinePoint,
  movePolygonPoint,
  pullInside,
  removeBaselinePoint,
  removePolygonPoint,
  shapeProblems,
  type LineShape,
  type ShapeEdit,
} from '../../../shared/line-shape.ts';
import { blankPage } from '../../helpers/blank-page.ts';

const rect = (x: number, y: number, w: number, h: number): Point[] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];
const line = (): LineShape => ({
  polygon: rect(100, 100, 600, 40),
  baseline: [
    [100, 132],
    [400, 132],
    [700, 132],
  ],
});
const ok = (e: ShapeEdit) => {
  assert.ok(e.ok, e.ok ? '' : e.reason);
  assert.deepEqual(shapeProblems(e.shape), []);
  return e;
};
const refused = (e: ShapeEdit, reason: RegExp) => {
  assert.equal(e.ok, false);
  if (!e.ok) assert.match(e.reason, reason);
};

test('what a consistent shape is', () => {
  assert.deepEqual(shapeProblems(line()), []);
  assert.deepEqual(shapeProblems({ polygon: rect(0, 0, 10, 10), baseline: null }), []);
  assert.match(
    shapeProblems({
      polygon: [
        [0, 0],
        [10, 10],
        [10, 0],
        [0, 10],
      ],
      baseline: null,
    }).join(),
    /crosses itself/,
  );
  assert.match(
    shapeProblems({
      polygon: [
        [0, 0],
        [10, 0],
      ],
      baseline: null,
    }).join(),
    /2 points/,
  );
  assert.match(
    shapeProblems({
      ...line(),
      baseline: [
        [100, 132],
        [400, 150],
        [700, 132],
      ],
    }).join(),
    /point 2 \(400,150\) lies outside/,
  );
  assert.match(
    shapeProblems({
      ...line(),
      baseline: [
        [100, 132],
        [400, 132],
        [300, 132],
      ],
    }).join(),
    /folds back at point 3/,
  );
  // Right to left is a direction too; a point on the outline counts as inside.
  assert.deepEqual(
    shapeProblems({
      ...line(),
      baseline: [
        [700, 140],
        [100, 140],
      ],
    }),
    [],
  );
  // Repeated points (some exports have them) are not a crossing; doubling back over an edge is.
  assert.equal(
    crossesItself([
      [0, 0],
      [10, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ]),
    false,
  );
  assert.equal(
    crossesItself([
      [0, 0],
      [10, 0],
      [5, 0],
      [5, 10],
    ]),
    true,
  );
});

test('polygon points: move, add, remove; the polygon may not cross itself', () => {
  const moved = ok(movePolygonPoint(line(), 0, [90, 80.4]));
  assert.deepEqual(moved.shape.polygon[0], [90, 80]);
  assert.equal(moved.note, undefined, 'the baseline was not touched');
  refused(movePolygonPoint(line(), 0, [800, 120]), /cross itself/);
  const added = ok(insertPolygonPoint(line(), 2, [400, 150]));
  assert.deepEqual(added.shape.polygon, [
    [100, 100],
    [700, 100],
    [700, 140],
    [400, 150],
    [100, 140],
  ]);
  const removed = ok(removePolygonPoint(added.shape, 3));
  assert.deepEqual(removed.shape.polygon, line().polygon);
  const triangle = ok(removePolygonPoint(line(), 3));
  refused(removePolygonPoint(triangle.shape, 0), /at least 3/);
});

test('moving the bottom edge above the baseline takes the baseline with it, and says so', () => {
  // Bottom-right corner up from y=140 to y=120: the edge now runs from (700,120) to (100,140).
  const e = ok(movePolygonPoint(line(), 2, [700, 120]));
  assert.match(e.note ?? '', /baseline was kept inside/);
  const [a, b, c] = e.shape.baseline!;
  assert.deepEqual(a, [100, 132], 'a point still inside stays');
  assert.deepEqual(b, [400, 130], 'the middle point sits on the new edge (y=130 at x=400)');
  assert.deepEqual(c, [700, 120]);
  // Removing a point that carried the baseline's end moves it too, never outside.
  const slanted = ok(
    removePolygonPoint(
      {
        polygon: [
          [100, 100],
          [700, 100],
          [700, 140],
          [100, 140],
          [100, 120],
        ],
        baseline: line().baseline,
      },
      3,
    ),
  );
  assert.ok(isConsistent(slanted.shape));
});

test('baseline points: move (kept inside and in order), add, remove; the whole baseline moves', () => {
  const down = ok(moveBaselinePoint(line(), 1, [400, 190]));
  assert.deepEqual(down.shape.baseline![1], [400, 140], 'dragged below the line, it stops on the bottom edge');
  assert.match(down.note ?? '', /kept inside/);
  const past = ok(moveBaselinePoint(line(), 1, [750, 130]));
  assert.deepEqual(past.shape.baseline![1], [699, 130], 'it cannot pass its right neighbour');
  const plain = ok(moveBaselinePoint(line(), 0, [120, 125]));
  assert.equal(plain.note, undefined);
  const added = ok(insertBaselinePoint(line(), 0, [250, 128]));
  assert.deepEqual(added.shape.baseline, [
    [100, 132],
    [250, 128],
    [400, 132],
    [700, 132],
  ]);
  refused(insertBaselinePoint(line(), 2, [750, 130]), /no such baseline segment/);
  assert.deepEqual(ok(removeBaselinePoint(added.shape, 1)).shape.baseline, line().baseline);
  const two = ok(removeBaselinePoint(line(), 1));
  refused(removeBaselinePoint(two.shape, 0), /at least 2/);
  const up = ok(moveBaseline(line(), 5, -10));
  assert.deepEqual(
    up.shape.baseline,
    [
      [105, 122],
      [405, 122],
      [700, 122],
    ],
    'the right end stays on the outline',
  );
  const under = ok(moveBaseline(line(), 0, 30));
  assert.deepEqual(
    under.shape.baseline!.map((p) => p[1]),
    [140, 140, 140],
  );
  assert.match(under.note ?? '', /kept inside/);
  refused(moveBaselinePoint({ polygon: line().polygon, baseline: null }, 0, [1, 1]), /no baseline/);
});

test('a right-to-left baseline keeps its direction through edits', () => {
  const rtl: LineShape = {
    polygon: line().polygon,
    baseline: [
      [700, 132],
      [400, 132],
      [100, 132],
    ],
  };
  const added = ok(insertBaselinePoint(rtl, 0, [550, 130]));
  assert.deepEqual(added.shape.baseline, [
    [700, 132],
    [550, 130],
    [400, 132],
    [100, 132],
  ]);
  const moved = ok(moveBaselinePoint(rtl, 1, [50, 131]));
  assert.deepEqual(moved.shape.baseline![1], [101, 131], 'between its neighbours, right to left');
  assert.deepEqual(ok(movePolygonPoint(rtl, 2, [700, 120])).shape.baseline![0], [700, 120]);
});

test('an imported shape that already crosses itself can still be edited point by point', () => {
  const bowtie: LineShape = {
    polygon: [
      [0, 0],
      [100, 40],
      [100, 0],
      [0, 40],
    ],
    baseline: null,
  };
  assert.ok(movePolygonPoint(bowtie, 0, [0, 1]).ok, 'no new kind of problem, so allowed');
  const half = movePolygonPoint(bowtie, 1, [100, 0]);
  assert.ok(half.ok);
  const mended = ok(movePolygonPoint(half.shape, 2, [100, 40]));
  assert.deepEqual(mended.shape.polygon, rect(0, 0, 100, 40));
  refused(movePolygonPoint(mended.shape, 0, [100, 60]), /cross itself/);
});

test('pullInside: inside stays, outside goes to the outline at the same x, else to the nearest outline point', () => {
  const p = rect(0, 0, 100, 20);
  assert.deepEqual(pullInside(p, [50, 10]), [50, 10]);
  assert.deepEqual(pullInside(p, [50, 30]), [50, 20]);
  assert.deepEqual(pullInside(p, [50, -5]), [50, 0]);
  assert.deepEqual(pullInside(p, [130, 10]), [100, 10]);
  assert.deepEqual(
    fitBaseline({
      polygon: p,
      baseline: [
        [-10, 10],
        [50, 10],
      ],
    }),
    {
      ok: true,
      shape: {
        polygon: p,
        baseline: [
          [0, 10],
          [50, 10],
        ],
      },
      note: 'the baseline was kept inside the line',
    },
  );
});

test('any sequence of edits keeps a consistent shape consistent (property)', () => {
  const coord = fc.integer({ min: -50, max: 900 });
  const edit = fc.oneof(
    fc.record({ op: fc.constant('movePolygon'), i: fc.nat(), x: coord, y: coord }),
    fc.record({ op: fc.constant('insertPolygon'), i: fc.nat(), x: coord, y: coord }),
    fc.record({ op: fc.constant('removePolygon'), i: fc.nat() }),
    fc.record({ op: fc.constant('moveBaseline'), i: fc.nat(), x: coord, y: coord }),
    fc.record({ op: fc.constant('insertBaseline'), i: fc.nat(), x: coord, y: coord }),
    fc.record({ op: fc.constant('removeBaseline'), i: fc.nat() }),
    fc.record({ op: fc.constant('shiftBaseline'), x: fc.integer({ min: -100, max: 100 }), y: fc.integer({ min: -100, max: 100 }) }),
  );
  fc.assert(
    fc.property(fc.array(edit, { maxLength: 25 }), (edits) => {
      let shape = line();
      for (const e of edits) {
        const n = e.op.includes('Polygon') ? shape.polygon.length : shape.baseline!.length;
        const i = 'i' in e ? e.i % n : 0;
        const at: Point = 'y' in e ? [e.x, e.y] : [0, 0];
        const r =
          e.op === 'movePolygon'
            ? movePolygonPoint(shape, i, at)
            : e.op === 'insertPolygon'
              ? insertPolygonPoint(shape, i, at)
              : e.op === 'removePolygon'
                ? removePolygonPoint(shape, i)
                : e.op === 'moveBaseline'
                  ? moveBaselinePoint(shape, i, at)
                  : e.op === 'insertBaseline'
                    ? insertBaselinePoint(shape, Math.min(i, n - 2), at)
                    : e.op === 'removeBaseline'
                      ? removeBaselinePoint(shape, i)
                      : moveBaseline(shape, at[0], at[1]);
        if (r.ok) shape = r.shape;
        assert.deepEqual(shapeProblems(shape), [], `${JSON.stringify(e)} → ${JSON.stringify(shape)}`);
      }
    }),
    { numRuns: 300, seed: 19 },
  );
});

test('merging and splitting consistent lines gives consistent lines', async () => {
  const { project, api, pageId } = await blankPage();
  const a = (
    await api.addLine({
      pageId,
      polygon: rect(100, 100, 300, 40),
      baseline: [
        [100, 132],
        [400, 132],
      ],
    })
  ).lineId;
  const b = (
    await api.addLine({
      pageId,
      polygon: [
        [420, 104],
        [700, 98],
        [700, 140],
        [420, 144],
      ],
      baseline: [
        [420, 134],
        [560, 131],
        [700, 130],
      ],
    })
  ).lineId;
  await api.mergeLines({ lineIds: [a, b] });
  await api.splitLine({ lineId: a, x: 250 });
  for (const l of (await api.getPage({ pageId })).lines) assert.deepEqual(shapeProblems(l), [], JSON.stringify(l));
  project.close();
});
