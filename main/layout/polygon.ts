// Plane geometry for line shapes: point-in-polygon (masks, overlap), convex hull (merging
// lines) and clipping a polygon by a vertical cut (splitting a line).
import type { Point } from '../io/layout.ts';

/** Andrew's monotone chain; the hull counter-clockwise in image coordinates, no repeated points. */
export function convexHull(points: Point[]): Point[] {
  const p = [...new Map(points.map((q) => [`${q[0]},${q[1]}`, q])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Point[]) => {
    const out: Point[] = [];
    for (const q of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], q) <= 0) out.pop();
      out.push(q);
    }
    out.pop();
    return out;
  };
  return [...half(p), ...half([...p].reverse())];
}

/** The area a polygon encloses (shoelace formula; 0 for fewer than three points or all on one line). */
export function polygonArea(polygon: ReadonlyArray<readonly [number, number]>): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++)
    twice += polygon[j][0] * polygon[i][1] - polygon[i][0] * polygon[j][1];
  return Math.abs(twice) / 2;
}

/** The part of a polygon left (x ≤ cut) or right (x ≥ cut) of a vertical line (Sutherland–Hodgman). */
export function clipPolygonX(polygon: Point[], cut: number, side: 'left' | 'right'): Point[] {
  const inside = (p: Point) => (side === 'left' ? p[0] <= cut : p[0] >= cut);
  const out: Point[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    if (inside(a)) out.push(a);
    if (inside(a) !== inside(b)) {
      const t = (cut - a[0]) / (b[0] - a[0]);
      out.push([cut, Math.round(a[1] + t * (b[1] - a[1]))]);
    }
  }
  return out;
}

// Point-in-polygon is shared with the renderer's shape edits (shared/line-shape.ts).
export { contains } from '../../shared/line-shape.ts';

// The scanline mask lives with the line crop that uses it (main/images/line-crop.ts).
export { polygonMask } from '../images/line-crop.ts';

/**
 * Refuses a shape reaching outside the page: PAGE and ALTO coordinates cannot be negative
 * (an export with one fails the schema), and a point past the edge has no pixels. A point
 * whose coordinate is not a finite number (NaN, or null from JSON, which carries NaN as
 * null) is refused first: every comparison with NaN is false, so it passed as inside.
 */
export function checkInside(what: string, page: { width: number; height: number }, points: ReadonlyArray<readonly [number, number]>): void {
  const bad = points.find(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y));
  if (bad) throw new Error(`${what}: point ${[...bad].map(String).join(',')} has a coordinate that is not a finite number`);
  const outside = points.find(([x, y]) => x < 0 || y < 0 || x > page.width || y > page.height);
  if (outside) throw new Error(`${what}: point ${outside.join(',')} lies outside the page (${page.width}×${page.height})`);
}
