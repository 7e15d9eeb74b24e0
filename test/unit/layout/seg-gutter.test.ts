// Merged lines in the segmentation post-processing: a baseline the network drew across a
// gutter (two pages of an opened book, two columns) is cut where the neighbouring lines share
// the blank strip, and two baseline pieces are not joined across a wide blank in the ink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GUTTER, splitAtGutters } from '../../../main/layout/seg-gutter.ts';
import { postProcess, type SegMaps } from '../../../main/layout/seg-post.ts';

const W = 200;
const H = 120;
const ROWS = [20, 40, 60, 80, 100];
const PAPER = 220;

/**
 * Five lines 20 px apart across the page, each one band of the baseline and line maps from
 * x = 10 to 190; the page's ink a stroke every 4 px in each line's body where `inked(row, x)`.
 */
function page(inked: (row: number, x: number) => boolean): SegMaps {
  const maps: SegMaps = {
    width: W,
    height: H,
    baseline: new Float32Array(W * H),
    line: new Float32Array(W * H),
    main: new Float32Array(W * H).fill(1),
    margin: new Float32Array(W * H),
    image: { width: W, height: H, data: new Uint8Array(W * H).fill(PAPER) },
  };
  for (const base of ROWS) {
    for (let x = 10; x < 190; x++) {
      for (let y = base - 12; y <= base; y++) maps.line[y * W + x] = 1;
      for (let y = base - 1; y <= base + 1; y++) maps.baseline[y * W + x] = 1;
      if (x % 4 === 0 && inked(base, x)) for (let y = base - 7; y <= base - 2; y++) maps.image!.data[y * W + x] = 30;
    }
  }
  return maps;
}

const rowOf = (lines: ReturnType<typeof postProcess>['lines'], base: number) =>
  lines.filter((l) => Math.abs(l.baseline[0][1] - base) < 5).sort((a, b) => a.baseline[0][0] - b.baseline[0][0]);

test('post-processing: baselines running across a gutter that every line shares are cut there', () => {
  // Two columns: ink from 10 to 90 and from 110 to 190 in every line; one line (60) also has a
  // blank stretch of its own (a sentence's end), which is no gutter.
  const maps = page((row, x) => (x < 90 || x >= 110) && !(row === 60 && x >= 40 && x < 60));
  const { lines } = postProcess(maps);
  assert.equal(lines.length, 10);
  for (const base of ROWS) {
    const [left, right] = rowOf(lines, base);
    assert.ok(left.baseline[left.baseline.length - 1][0] < 95, `line ${base}: the left column ends at the gutter`);
    assert.ok(right.baseline[0][0] > 105, `line ${base}: the right column begins after it`);
  }
  // Without the rule, or without the page's ink, each baseline stays one line.
  assert.equal(postProcess(maps, { gutterGapSpacings: 0 }).lines.length, 5);
  assert.equal(postProcess({ ...maps, image: undefined }).lines.length, 5);
});

test("post-processing: a gap in one line's ink that its neighbours do not share is no gutter", () => {
  const maps = page((row, x) => !(row === 60 && x >= 80 && x < 120));
  assert.equal(postProcess(maps).lines.length, 5);
});

test('post-processing: two baseline pieces are not joined across a wide blank in the ink', () => {
  // Line 60's baseline band is broken from 92 to 104 (0.6 spacings: close enough to join), and
  // its ink stops from 84 to 116 (1.6 spacings): the end of one text and the start of another.
  // Line 20's band is broken at the same place, but its ink runs on: one line.
  const maps = page((row, x) => !(row === 60 && x >= 84 && x < 116));
  for (const base of [20, 60]) for (let y = base - 1; y <= base + 1; y++) maps.baseline.fill(0, y * W + 92, y * W + 104);
  const { lines } = postProcess(maps);
  assert.equal(rowOf(lines, 20).length, 1);
  const pieces = rowOf(lines, 60);
  assert.equal(pieces.length, 2);
  assert.ok(pieces[0].baseline[pieces[0].baseline.length - 1][0] < 95 && pieces[1].baseline[0][0] > 100);
  // Joined as before without the ink test.
  assert.equal(rowOf(postProcess(maps, { joinInkGapSpacings: 0 }).lines, 60).length, 1);
});

test('gutters: a baseline without points is kept as it is and cuts nothing', () => {
  const maps = page((_row, x) => x < 90 || x >= 110);
  const lines = ROWS.map((y) => ({ id: y, points: [[10, y] as [number, number], [190, y] as [number, number]] }));
  const withEmpty = [lines[0], { id: -1, points: [] }, ...lines.slice(1)];
  const split = splitAtGutters(withEmpty, maps.image!, 20, DEFAULT_GUTTER);
  assert.deepEqual(
    split.filter((l) => l.points.length === 0).map((l) => l.id),
    [-1],
  );
  // The other lines are cut at the shared gutter just as without it.
  assert.deepEqual(
    split.filter((l) => l.points.length > 0),
    splitAtGutters(lines, maps.image!, 20, DEFAULT_GUTTER),
  );
  assert.equal(split.length, 11);
});
