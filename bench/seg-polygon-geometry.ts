// Geometry of found line polygons against true ones, for bench/seg-polygon-analysis.ts:
// how far each polygon reaches above and below the true baseline, where its ends lie, and
// which true lines were split or merged. Lengths are in true line spacings of the page.
import type { Point } from '../main/io/layout.ts';
import { lineSpacing } from '../main/layout/baseline-metrics.ts';
import { polygonIoU } from '../main/layout/line-metrics.ts';
import { contains } from '../main/layout/polygon.ts';
import { yAt } from '../main/layout/seg-polyline.ts';

export interface PairGeometry {
  iou: number;
  /** Median reach of the true polygon above / below the true baseline. */
  trueUp: number;
  trueDown: number;
  /** The same for the found polygon, measured from the true baseline. */
  foundUp: number;
  foundDown: number;
  upRatio: number;
  downRatio: number;
  /** Found left / right end minus the true one (positive: further right). */
  leftShift: number;
  rightShift: number;
  /** Found baseline minus the true one (positive: lower). */
  baselineShift: number;
}

/** The top and bottom of a polygon on the vertical line at x, or null where it does not reach. */
export function columnExtent(polygon: Point[], x: number): { top: number; bottom: number } | null {
  let top = Infinity;
  let bottom = -Infinity;
  for (let i = 0; i < polygon.length; i++) {
    const [x0, y0] = polygon[i];
    const [x1, y1] = polygon[(i + 1) % polygon.length];
    if ((x < Math.min(x0, x1) || x > Math.max(x0, x1)) && !(x0 === x && x1 === x)) continue;
    const y = x1 === x0 ? Math.min(y0, y1) : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    const yMax = x1 === x0 ? Math.max(y0, y1) : y;
    top = Math.min(top, y);
    bottom = Math.max(bottom, yMax);
  }
  return Number.isFinite(top) ? { top, bottom } : null;
}

/** The height of a polyline at x (its points in any order; clamped to its ends). */
export function heightAt(line: Point[], x: number): number {
  return yAt(
    [...line].sort((a, b) => a[0] - b[0]),
    x,
  );
}

const xRange = (points: Point[]): [number, number] => [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];

export function median(values: number[]): number {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
}

export function quantiles(values: number[], at = [0.1, 0.25, 0.5, 0.75, 0.9]): number[] {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return at.map((q) => (s.length ? s[Math.floor(q * (s.length - 1))] : NaN));
}

/** Geometry of one found line against one true line, sampled at 24 columns where both polygons are. */
export function pairGeometry(
  found: { polygon: Point[]; baseline: Point[] },
  truth: { polygon: Point[]; baseline: Point[] },
  spacing: number,
  iou: number,
): PairGeometry {
  const [f0, f1] = xRange(found.polygon);
  const [t0, t1] = xRange(truth.polygon);
  const [b0, b1] = xRange(truth.baseline);
  const lo = Math.max(f0, t0, b0);
  const hi = Math.min(f1, t1, b1);
  const up: number[][] = [[], []];
  const down: number[][] = [[], []];
  const shift: number[] = [];
  for (let i = 0; i < 24 && hi > lo; i++) {
    const x = lo + ((i + 0.5) * (hi - lo)) / 24;
    const y = heightAt(truth.baseline, x);
    const t = columnExtent(truth.polygon, x);
    const f = columnExtent(found.polygon, x);
    if (!t || !f) continue;
    up[0].push(y - t.top);
    down[0].push(t.bottom - y);
    up[1].push(y - f.top);
    down[1].push(f.bottom - y);
    shift.push(heightAt(found.baseline, x) - y);
  }
  const s = (v: number) => v / spacing;
  const trueUp = s(median(up[0]));
  const trueDown = s(median(down[0]));
  const foundUp = s(median(up[1]));
  const foundDown = s(median(down[1]));
  return {
    iou,
    trueUp,
    trueDown,
    foundUp,
    foundDown,
    upRatio: foundUp / trueUp,
    downRatio: foundDown / trueDown,
    leftShift: s(f0 - t0),
    rightShift: s(f1 - t1),
    baselineShift: s(median(shift)),
  };
}

/** Does baseline `a` lie along baseline `b` (within a third of a spacing) over at least half of a's length? */
function along(a: Point[], b: Point[], spacing: number): boolean {
  const [a0, a1] = xRange(a);
  const [b0, b1] = xRange(b);
  const lo = Math.max(a0, b0);
  const hi = Math.min(a1, b1);
  if (hi - lo < 0.5 * (a1 - a0)) return false;
  const mid = (lo + hi) / 2;
  return Math.abs(heightAt(a, mid) - heightAt(b, mid)) < spacing / 3;
}

/**
 * Lines split and merged: a true line along which ≥ 2 found baselines lie is split; a found
 * baseline along which ≥ 2 true baselines lie merges lines side by side (table cells); a
 * found polygon holding the middles of true baselines half a spacing or more apart
 * vertically merges lines one above the other.
 */
export function splitsAndMerges(
  found: Array<{ polygon: Point[]; baseline: Point[] }>,
  truth: Array<{ polygon: Point[]; baseline: Point[] | null }>,
): { split: number; mergedSideBySide: number; mergedAcross: number; foundNoTruth: number } {
  const baselines = truth.flatMap((t) => (t.baseline && t.baseline.length > 1 ? [t.baseline] : []));
  const spacing = lineSpacing(baselines);
  const split = baselines.filter((t) => found.filter((f) => along(f.baseline, t, spacing)).length >= 2).length;
  const mergedSideBySide = found.filter((f) => baselines.filter((t) => along(t, f.baseline, spacing)).length >= 2).length;
  const middle = (b: Point[]): Point => {
    const [x0, x1] = xRange(b);
    return [(x0 + x1) / 2, heightAt(b, (x0 + x1) / 2)];
  };
  const mergedAcross = found.filter((f) => {
    const ys = baselines.map(middle).flatMap(([x, y]) => (contains(f.polygon, x, y) ? [y] : []));
    return ys.length >= 2 && Math.max(...ys) - Math.min(...ys) > spacing / 2;
  }).length;
  const box = (p: Point[]) => [...xRange(p), Math.min(...p.map((q) => q[1])), Math.max(...p.map((q) => q[1]))];
  const boxes = truth.map((t) => box(t.polygon));
  const foundNoTruth = found.filter((f) => {
    const [x0, x1, y0, y1] = box(f.polygon);
    return !truth.some((t, i) => {
      const [u0, u1, v0, v1] = boxes[i];
      return x0 < u1 && u0 < x1 && y0 < v1 && v0 < y1 && polygonIoU(f.polygon, t.polygon, 60) >= 0.1;
    });
  }).length;
  return { split, mergedSideBySide, mergedAcross, foundNoTruth };
}
