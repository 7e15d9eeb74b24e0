// Baselines as polylines (points left to right) for the segmentation post-processing
// (seg-post.ts): the height at a column, ends moved inward, and cutting a baseline where the
// line it carries has a gap (two cells of a table row that the baseline map joined).
import type { Point } from '../io/layout.ts';

/** The height of a polyline at x (clamped to its ends). */
export function yAt(points: Point[], x: number): number {
  if (x <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    if (x <= x1) return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return points[points.length - 1][1];
}

/**
 * Inner points closer than this (pixels) to a new end are left out: a polygon's vertices
 * nearly on top of each other hide one another's handles when a user reshapes the line.
 */
const NEAR = 3;

/** The polyline between x = from and x = to, its ends on the line. */
function between(points: Point[], from: number, to: number): Point[] {
  return [[from, yAt(points, from)], ...points.filter(([x]) => x >= from + NEAR && x <= to - NEAR), [to, yAt(points, to)]];
}

/** A polyline with each end moved inward by `by` along x (unchanged when that would leave under a third of it). */
export function trimEnds(points: Point[], by: number): Point[] {
  const x0 = points[0][0] + by;
  const x1 = points[points.length - 1][0] - by;
  if (by <= 0 || x1 - x0 < (points[points.length - 1][0] - points[0][0]) / 3) return points;
  return between(points, x0, x1);
}

/**
 * Cuts a polyline where `present(x, y)` (asked at each whole column, y on the line) is false
 * for `minGap` or more consecutive columns inside it: the pieces either side of each such
 * stretch, each ending next to it. Empty stretches at the ends cut nothing.
 */
export function splitAtGaps(points: Point[], present: (x: number, y: number) => boolean, minGap: number): Point[][] {
  if (points.length === 0) return [points];
  const first = Math.ceil(points[0][0]);
  const last = Math.floor(points[points.length - 1][0]);
  const pieces: Point[][] = [];
  let start = points[0][0];
  // The first column of the current stretch without the line; null while the line is present
  // (not a negative sentinel: a baseline may start left of the image, at negative columns).
  let run: number | null = null;
  for (let x = first; x <= last; x++) {
    if (!present(x, yAt(points, x))) {
      if (run === null) run = x;
      continue;
    }
    if (run !== null && run > first && x - run >= minGap && run - 1 > start) {
      pieces.push(between(points, start, run - 1));
      start = x;
    }
    run = null;
  }
  if (pieces.length === 0) return [points];
  pieces.push(between(points, start, points[points.length - 1][0]));
  return pieces;
}

/**
 * Ramer–Douglas–Peucker: the polyline with every inner point dropped that lies within
 * `tolerance` of the straight segment replacing it; the ends are kept.
 */
export function simplifyPolyline(points: Point[], tolerance: number): Point[] {
  if (points.length <= 2 || tolerance <= 0) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const length = Math.hypot(bx - ax, by - ay);
    let worst = -1;
    let at = -1;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      const d = length > 0 ? Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length : Math.hypot(px - ax, py - ay);
      if (d > worst) {
        worst = d;
        at = i;
      }
    }
    if (worst > tolerance) {
      keep[at] = 1;
      stack.push([a, at], [at, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}
