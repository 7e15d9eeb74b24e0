// Baseline detection quality in the manner of the cBAD / ICDAR 2017 baseline metric
// (Grüning et al. 2019): baselines are compared as sampled polylines with a tolerance
// derived from the page's line spacing, so the score does not depend on how tall a
// polygon is drawn. Recall: the share of the true baselines' points that lie within the
// tolerance of some found baseline; precision: the share of the found baselines' points
// within the tolerance of some true baseline. Simplified from cBAD: one tolerance per page
// (a fifth of the median spacing of the true baselines, at least 3 px), no per-line
// alignment step, so a line found as two halves still counts as covered.
import type { Point } from '../io/layout.ts';

export interface BaselineScore {
  /** Sampled points of the true baselines, and how many of them were covered. */
  truthPoints: number;
  truthCovered: number;
  foundPoints: number;
  foundCovered: number;
  tolerance: number;
}

/** Points every `step` pixels along a polyline, its ends included. */
export function samplePolyline(line: Point[], step: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i + 1 < line.length; i++) {
    const [x0, y0] = line[i];
    const [x1, y1] = line[i + 1];
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let k = 0; k < n; k++) out.push([x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n]);
  }
  if (line.length) out.push(line[line.length - 1]);
  return out;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** The distance from `p` to the nearest point of a polyline. */
export function distanceToPolyline(p: Point, line: Point[]): number {
  if (line.length === 1) return Math.hypot(p[0] - line[0][0], p[1] - line[0][1]);
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) best = Math.min(best, distanceToSegment(p, line[i], line[i + 1]));
  return best;
}

/** Median vertical distance between each true baseline and the nearest other one that overlaps it horizontally. */
export function lineSpacing(baselines: Point[][]): number {
  const spans = baselines.map((b) => {
    const xs = b.map((p) => p[0]);
    return { x0: Math.min(...xs), x1: Math.max(...xs), y: b.reduce((s, p) => s + p[1], 0) / b.length };
  });
  const gaps: number[] = [];
  for (const a of spans) {
    let best = Infinity;
    for (const b of spans) if (b !== a && b.x0 < a.x1 && a.x0 < b.x1 && Math.abs(b.y - a.y) > 0) best = Math.min(best, Math.abs(b.y - a.y));
    if (Number.isFinite(best)) gaps.push(best);
  }
  gaps.sort((x, y) => x - y);
  return gaps.length ? gaps[gaps.length >> 1] : 50;
}

export function scoreBaselines(found: Point[][], truth: Point[][]): BaselineScore {
  const tolerance = Math.max(3, lineSpacing(truth) / 5);
  const step = Math.max(1, tolerance / 2);
  const covered = (points: Point[], others: Point[][]) =>
    points.filter((p) => others.some((o) => o.length > 0 && distanceToPolyline(p, o) <= tolerance)).length;
  const truthSamples = truth.flatMap((t) => samplePolyline(t, step));
  const foundSamples = found.flatMap((f) => samplePolyline(f, step));
  return {
    truthPoints: truthSamples.length,
    truthCovered: covered(truthSamples, found),
    foundPoints: foundSamples.length,
    foundCovered: covered(foundSamples, truth),
    tolerance,
  };
}
