// Hand edits of a line's shape — its polygon (the area of the page that is the line) and
// its baseline (where the letters stand) — and what keeps the two consistent. Pure code,
// shared by the page canvas (which edits) and the tests.
//
// A shape is consistent when:
//   - the polygon has at least 3 points and its edges do not cross one another;
//   - the baseline, if there is one, has at least 2 points and runs one way (x strictly
//     increasing, or strictly decreasing for a right-to-left baseline: it never folds back);
//   - every baseline point lies inside the polygon or on its outline (within TOLERANCE).
// An edit never makes a shape less consistent: it returns a shape with no problem the old
// one did not have, or is refused with the reason (an imported shape that already crosses
// itself can still be mended point by point). Where an edit would carry the baseline out of
// the polygon (the bottom edge dragged above it, the baseline dragged below the line), the
// baseline is kept inside — moved up or down to the outline at the same x — and the edit
// says so in `note`, for the person to see.
import type { Point } from './api.ts';

export interface LineShape {
  polygon: Point[];
  baseline: Point[] | null;
}

export type ShapeEdit = { ok: true; shape: LineShape; note?: string } | { ok: false; reason: string };

/** How far outside the outline (page pixels) a baseline point may lie: rounding to whole pixels. */
export const TOLERANCE = 1;

const BASELINE_KEPT = 'the baseline was kept inside the line';

type ProblemKind = 'polygon-points' | 'crossing' | 'baseline-points' | 'folds-back' | 'outside';
interface Problem {
  kind: ProblemKind;
  message: string;
}

function problemsOf({ polygon, baseline }: LineShape): Problem[] {
  const problems: Problem[] = [];
  if (polygon.length < 3) problems.push({ kind: 'polygon-points', message: `the polygon has ${polygon.length} points (at least 3)` });
  else if (crossesItself(polygon)) problems.push({ kind: 'crossing', message: 'the polygon crosses itself' });
  if (baseline) {
    if (baseline.length < 2) problems.push({ kind: 'baseline-points', message: `the baseline has ${baseline.length} point (at least 2)` });
    const way = Math.sign(baseline[baseline.length - 1][0] - baseline[0][0]) || 1;
    const back = baseline.findIndex((p, i) => i > 0 && (p[0] - baseline[i - 1][0]) * way <= 0);
    if (back > 0) problems.push({ kind: 'folds-back', message: `the baseline folds back at point ${back + 1}` });
    const outside = polygon.length >= 3 ? baseline.findIndex((p) => !insideOrOn(polygon, p)) : -1;
    if (outside >= 0)
      problems.push({
        kind: 'outside',
        message: `baseline point ${outside + 1} (${baseline[outside].join(',')}) lies outside the polygon`,
      });
  }
  return problems;
}

/** What is wrong with a shape; empty when it is consistent. */
export const shapeProblems = (shape: LineShape): string[] => problemsOf(shape).map((p) => p.message);

export const isConsistent = (shape: LineShape) => problemsOf(shape).length === 0;

export function movePolygonPoint(shape: LineShape, index: number, to: Point): ShapeEdit {
  const polygon = shape.polygon.map((p, i) => (i === index ? round(to) : p));
  return withPolygon(shape, polygon, 'the polygon would cross itself');
}

/** Adds `at` to the polygon between point `after` and the next one. */
export function insertPolygonPoint(shape: LineShape, after: number, at: Point): ShapeEdit {
  const polygon = [...shape.polygon.slice(0, after + 1), round(at), ...shape.polygon.slice(after + 1)];
  return withPolygon(shape, polygon, 'a point there would make the polygon cross itself');
}

export function removePolygonPoint(shape: LineShape, index: number): ShapeEdit {
  if (shape.polygon.length <= 3) return { ok: false, reason: 'a polygon keeps at least 3 points' };
  return withPolygon(
    shape,
    shape.polygon.filter((_, i) => i !== index),
    'without that point the polygon would cross itself',
  );
}

/** Moves one baseline point; it stays between its neighbours' x and inside the polygon. */
export function moveBaselinePoint(shape: LineShape, index: number, to: Point): ShapeEdit {
  return leftToRight(shape, index, (s, i) => moveBaselinePointLtr(s, i, to));
}

function moveBaselinePointLtr(shape: LineShape, index: number, to: Point): ShapeEdit {
  const baseline = shape.baseline;
  if (!baseline) return { ok: false, reason: 'the line has no baseline' };
  const lo = index > 0 ? baseline[index - 1][0] + 1 : -Infinity;
  const hi = index < baseline.length - 1 ? baseline[index + 1][0] - 1 : Infinity;
  if (lo > hi) return { ok: false, reason: 'no room between the neighbouring baseline points' };
  const wanted = round(to);
  const p = pullInside(shape.polygon, [Math.min(hi, Math.max(lo, wanted[0])), wanted[1]]);
  if (p[0] < lo || p[0] > hi) return { ok: false, reason: 'the baseline would fold back' };
  const kept = p[0] !== wanted[0] || p[1] !== wanted[1];
  return done(shape, { polygon: shape.polygon, baseline: baseline.map((q, i) => (i === index ? p : q)) }, kept ? BASELINE_KEPT : undefined);
}

/** Adds `at` to the baseline between point `after` and the next one. */
export function insertBaselinePoint(shape: LineShape, after: number, at: Point): ShapeEdit {
  // Segment `after` of a right-to-left baseline is segment n-2-after of its reversal.
  return leftToRight(shape, after, (s, i, reversed) => insertBaselinePointLtr(s, reversed ? i - 1 : i, at));
}

function insertBaselinePointLtr(shape: LineShape, after: number, at: Point): ShapeEdit {
  const baseline = shape.baseline;
  if (!baseline || after < 0 || after >= baseline.length - 1) return { ok: false, reason: 'no such baseline segment' };
  const [a, b] = [baseline[after], baseline[after + 1]];
  if (b[0] - a[0] < 2) return { ok: false, reason: 'no room for a point between these two' };
  const x = Math.min(b[0] - 1, Math.max(a[0] + 1, Math.round(at[0])));
  const p = pullInside(shape.polygon, [x, Math.round(at[1])]);
  if (p[0] <= a[0] || p[0] >= b[0]) return { ok: false, reason: 'the baseline would fold back' };
  return done(shape, { polygon: shape.polygon, baseline: [...baseline.slice(0, after + 1), p, ...baseline.slice(after + 1)] });
}

export function removeBaselinePoint(shape: LineShape, index: number): ShapeEdit {
  if (!shape.baseline) return { ok: false, reason: 'the line has no baseline' };
  if (shape.baseline.length <= 2) return { ok: false, reason: 'a baseline keeps at least 2 points' };
  return done(shape, { polygon: shape.polygon, baseline: shape.baseline.filter((_, i) => i !== index) });
}

/** Moves the whole baseline by (dx, dy); points that would leave the polygon stay on its outline. */
export function moveBaseline(shape: LineShape, dx: number, dy: number): ShapeEdit {
  if (!shape.baseline) return { ok: false, reason: 'the line has no baseline' };
  return fitBaseline({ polygon: shape.polygon, baseline: shape.baseline.map(([x, y]) => [Math.round(x + dx), Math.round(y + dy)]) });
}

/** The shape with its baseline brought inside its polygon (see the header); refused when it cannot be. */
export function fitBaseline(shape: LineShape, before: LineShape = shape): ShapeEdit {
  return leftToRight(shape, 0, (s) => fitBaselineLtr(s, before));
}

function fitBaselineLtr(shape: LineShape, before: LineShape): ShapeEdit {
  if (!shape.baseline) return done(before, shape);
  let kept = false;
  const pulled = shape.baseline.map((p) => {
    const q = pullInside(shape.polygon, p);
    if (q[0] !== p[0] || q[1] !== p[1]) kept = true;
    return q;
  });
  // A point pulled to the nearest outline point may have moved sideways; points that would
  // then fold the baseline back are dropped (the rest still runs left to right).
  const baseline = pulled.filter((p, i) => i === 0 || p[0] > pulled.slice(0, i).reduce((m, q) => Math.max(m, q[0]), -Infinity));
  if (baseline.length < 2) return { ok: false, reason: 'the baseline would leave the line' };
  return done(before, { polygon: shape.polygon, baseline }, kept ? BASELINE_KEPT : undefined);
}

function withPolygon(shape: LineShape, polygon: Point[], crossing: string): ShapeEdit {
  if (crossesItself(polygon) && !crossesItself(shape.polygon)) return { ok: false, reason: crossing };
  return fitBaseline({ polygon, baseline: shape.baseline }, shape);
}

/** The edited shape, unless it has a kind of problem the shape before it did not have. */
function done(before: LineShape, after: LineShape, note?: string): ShapeEdit {
  const had = new Set(problemsOf(before).map((p) => p.kind));
  const added = problemsOf(after).find((p) => !had.has(p.kind));
  if (added) return { ok: false, reason: added.message };
  return note ? { ok: true, shape: after, note } : { ok: true, shape: after };
}

const reverse = (shape: LineShape): LineShape => ({ polygon: shape.polygon, baseline: shape.baseline && [...shape.baseline].reverse() });

/**
 * Runs a baseline edit on a left-to-right baseline: a right-to-left one is reversed first
 * (the point index with it) and the result reversed back.
 */
function leftToRight(shape: LineShape, index: number, edit: (s: LineShape, index: number, reversed: boolean) => ShapeEdit): ShapeEdit {
  const b = shape.baseline;
  if (!b || b.length < 2 || b[b.length - 1][0] >= b[0][0]) return edit(shape, index, false);
  const result = edit(reverse(shape), b.length - 1 - index, true);
  return result.ok ? { ...result, shape: reverse(result.shape) } : result;
}

const round = (p: Point): Point => [Math.round(p[0]), Math.round(p[1])];

/** Inside (even-odd) or within TOLERANCE of the outline. */
export function insideOrOn(polygon: Point[], p: Point): boolean {
  return contains(polygon, p[0], p[1]) || distanceToOutline(polygon, p) <= TOLERANCE;
}

/** Even-odd rule point-in-polygon test (half-open on edges; main/layout/polygon.ts's masks follow the same rule). */
export function contains(polygon: Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const closestOnSegment = ([px, py]: Point, [ax, ay]: Point, [bx, by]: Point): Point => {
  const [dx, dy] = [bx - ax, by - ay];
  const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return [ax + t * dx, ay + t * dy];
};

const edges = (polygon: Point[]) => polygon.map((a, i) => [a, polygon[(i + 1) % polygon.length]] as [Point, Point]);

function distanceToOutline(polygon: Point[], p: Point): number {
  return Math.min(...edges(polygon).map(([a, b]) => Math.hypot(...(closestOnSegment(p, a, b).map((v, k) => v - p[k]) as Point))));
}

/**
 * A point inside the polygon (or on its outline) near p: p itself when it is; else the
 * outline above or below p at the same x (so a baseline keeps its points' order); else,
 * when no part of the polygon lies at that x, the nearest outline point.
 */
export function pullInside(polygon: Point[], p: Point): Point {
  if (insideOrOn(polygon, p)) return p;
  const [x, y] = p;
  const crossings = edges(polygon)
    .filter(([a, b]) => Math.min(a[0], b[0]) <= x && x <= Math.max(a[0], b[0]) && a[0] !== b[0])
    .map(([a, b]) => a[1] + ((x - a[0]) * (b[1] - a[1])) / (b[0] - a[0]));
  if (crossings.length) {
    const nearest = crossings.reduce((m, c) => (Math.abs(c - y) < Math.abs(m - y) ? c : m));
    // Whole pixels, on the polygon's side of the outline.
    const q: Point = [x, nearest > y ? Math.ceil(nearest) : Math.floor(nearest)];
    if (insideOrOn(polygon, q)) return q;
  }
  const candidates = edges(polygon).map(([a, b]) => closestOnSegment(p, a, b));
  const best = candidates.reduce((m, c) => (Math.hypot(c[0] - x, c[1] - y) < Math.hypot(m[0] - x, m[1] - y) ? c : m));
  return round(best);
}

/**
 * Whether edges of the polygon cross or touch (collinear overlaps, an edge doubling back
 * over its neighbour). A point repeated in a row (some exports have them) is no crossing.
 */
export function crossesItself(points: Point[]): boolean {
  const polygon = points.filter((p, i) => {
    const q = points[(i + points.length - 1) % points.length];
    return points.length < 2 || p[0] !== q[0] || p[1] !== q[1];
  });
  const n = polygon.length;
  if (n < 4) return n === 3 && area2(polygon[0], polygon[1], polygon[2]) === 0;
  const e = edges(polygon);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) {
        // Neighbouring edges share a point; they only go wrong when one doubles back over the other.
        const [a, b] = j === i + 1 ? [e[i], e[j]] : [e[j], e[i]];
        if (area2(a[0], a[1], b[1]) === 0 && dot(a[0], a[1], b[1]) > 0) return true;
        continue;
      }
      if (segmentsTouch(e[i][0], e[i][1], e[j][0], e[j][1])) return true;
    }
  }
  return false;
}

const area2 = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
// > 0 when going o → a → b turns back toward o (b lies on the o side of a along the line).
const dot = (o: Point, a: Point, b: Point) => (o[0] - a[0]) * (b[0] - a[0]) + (o[1] - a[1]) * (b[1] - a[1]);
const onSegment = (a: Point, b: Point, p: Point) =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);

function segmentsTouch(a: Point, b: Point, c: Point, d: Point): boolean {
  const [d1, d2, d3, d4] = [area2(c, d, a), area2(c, d, b), area2(a, b, c), area2(a, b, d)];
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && onSegment(c, d, a)) ||
    (d2 === 0 && onSegment(c, d, b)) ||
    (d3 === 0 && onSegment(a, b, c)) ||
    (d4 === 0 && onSegment(a, b, d))
  );
}
