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

/** Share of the columns both polygons cover, and the median vertical IoU in those columns (sampled at 24). */
export function bandOverlap(a: Point[], b: Point[]): { horizontal: number; vertical: number } {
  const [a0, a1] = xRange(a);
  const [b0, b1] = xRange(b);
  const lo = Math.max(a0, b0);
  const hi = Math.min(a1, b1);
  const horizontal = Math.max(0, hi - lo) / (Math.max(a1, b1) - Math.min(a0, b0) || 1);
  const ious: number[] = [];
  for (let i = 0; i < 24 && hi > lo; i++) {
    const x = lo + ((i + 0.5) * (hi - lo)) / 24;
    const p = columnExtent(a, x);
    const q = columnExtent(b, x);
    if (!p || !q) continue;
    const inter = Math.max(0, Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top));
    ious.push(inter / (Math.max(p.bottom, q.bottom) - Math.min(p.top, q.top) || 1));
  }
  return { horizontal, vertical: ious.length ? median(ious) : 0 };
}

export interface LossCounts {
  /** True lines not matched at IoU ≥ 0.5, by cause. */
  missed: number;
  split: number;
  merged: number;
  /** One found line along the true one, but the polygons differ: mostly in their ends, or above / below the baseline. */
  shapeEnds: number;
  shapeAboveTall: number;
  shapeAboveShort: number;
  shapeBelowTall: number;
  shapeBelowShort: number;
  shapeOther: number;
  /** Found lines not matched, by what they are. */
  foundPiece: number;
  foundMerge: number;
  foundShape: number;
  foundNoTruthOutside: number;
  foundNoTruthBetween: number;
  foundNoTruthOther: number;
}

export const emptyLossCounts = (): LossCounts => ({
  missed: 0,
  split: 0,
  merged: 0,
  shapeEnds: 0,
  shapeAboveTall: 0,
  shapeAboveShort: 0,
  shapeBelowTall: 0,
  shapeBelowShort: 0,
  shapeOther: 0,
  foundPiece: 0,
  foundMerge: 0,
  foundShape: 0,
  foundNoTruthOutside: 0,
  foundNoTruthBetween: 0,
  foundNoTruthOther: 0,
});

/**
 * Why each unmatched line of a page is unmatched (returned for each unmatched true line, by index, and counted into `into`). A true line with no found baseline along
 * it is missed, with two or more split, lying along a found baseline that also carries
 * another true line (or inside a found polygon spanning two) merged; otherwise its one found
 * line has the wrong shape: the ends when the columns the two share are the smaller part of
 * their overlap loss, else the reach above or below the baseline (tall: too far). A found
 * line no true line is matched to is a piece of a split, a merge, a wrong shape, or lies on
 * no true line: outside the true lines' box (margins, the facing page, the scan's edges),
 * between two true baselines (show-through, interlinear additions), or elsewhere.
 */
export function lossCategories(
  found: Array<{ polygon: Point[]; baseline: Point[] }>,
  truth: Array<{ polygon: Point[]; baseline: Point[] | null }>,
  pairs: Array<{ f: number; t: number }>,
  into: LossCounts,
): Map<number, keyof LossCounts> {
  const spacing = lineSpacing(truth.flatMap((t) => (t.baseline && t.baseline.length > 1 ? [t.baseline] : [])));
  const matchedT = new Set(pairs.map((p) => p.t));
  const matchedF = new Set(pairs.map((p) => p.f));
  const alongOf = (t: { baseline: Point[] | null }) =>
    t.baseline && t.baseline.length > 1
      ? found.flatMap((f, i) => (along(f.baseline, t.baseline!, spacing) || along(t.baseline!, f.baseline, spacing) ? [i] : []))
      : [];
  const carried = found.map(() => 0);
  const alongs = truth.map((t) => alongOf(t));
  alongs.forEach((list) => list.forEach((i) => carried[i]++));
  const middles = truth.map((t) => {
    if (!t.baseline || t.baseline.length < 2) return null;
    const [x0, x1] = xRange(t.baseline);
    return [(x0 + x1) / 2, heightAt(t.baseline, (x0 + x1) / 2)] as Point;
  });
  const spans = found.map((f) => middles.filter((m) => m && contains(f.polygon, m[0], m[1])).length);
  const fate = new Map<number, keyof LossCounts>();
  const causes = new Map<number, keyof LossCounts>();
  truth.forEach((t, ti) => {
    if (matchedT.has(ti)) return;
    const list = alongs[ti];
    const m = middles[ti];
    const spanning = found.flatMap((f, i) => (spans[i] >= 2 && m && contains(f.polygon, m[0], m[1]) ? [i] : []));
    const inMerge = list.some((i) => carried[i] >= 2) || spanning.length > 0;
    let cause: keyof LossCounts;
    if (list.length >= 2) {
      cause = 'split';
      list.forEach((i) => fate.set(i, 'foundPiece'));
    } else if (inMerge) {
      cause = 'merged';
      [...list, ...spanning].forEach((i) => fate.set(i, 'foundMerge'));
    } else if (list.length === 0) cause = 'missed';
    else {
      const f = found[list[0]];
      fate.set(list[0], 'foundShape');
      const { horizontal, vertical } = bandOverlap(f.polygon, t.polygon);
      if (horizontal < vertical) cause = 'shapeEnds';
      else if (!t.baseline) cause = 'shapeOther';
      else {
        const g = pairGeometry(f, t as { polygon: Point[]; baseline: Point[] }, spacing, 0);
        const up = g.foundUp - g.trueUp;
        const down = g.foundDown - g.trueDown;
        if (!Number.isFinite(up) || !Number.isFinite(down)) cause = 'shapeOther';
        else if (Math.abs(up) >= Math.abs(down)) cause = up > 0 ? 'shapeAboveTall' : 'shapeAboveShort';
        else cause = down > 0 ? 'shapeBelowTall' : 'shapeBelowShort';
      }
    }
    into[cause]++;
    causes.set(ti, cause);
  });
  const box = (p: Point[]) => [...xRange(p), Math.min(...p.map((q) => q[1])), Math.max(...p.map((q) => q[1]))];
  const all = box(truth.flatMap((t) => t.polygon));
  const boxes = truth.map((t) => box(t.polygon));
  found.forEach((f, fi) => {
    if (matchedF.has(fi)) return;
    const known = fate.get(fi);
    if (known) return void into[known]++;
    const [x0, x1, y0, y1] = box(f.polygon);
    const touches = truth.some((t, i) => {
      const [u0, u1, v0, v1] = boxes[i];
      return x0 < u1 && u0 < x1 && y0 < v1 && v0 < y1 && polygonIoU(f.polygon, t.polygon, 60) >= 0.1;
    });
    if (touches) return void into.foundShape++;
    const cx = (x0 + x1) / 2;
    const cy = heightAt(f.baseline, cx);
    // A true baseline over this column within 1.5 spacings above (-1) or below (1).
    const near = (dir: -1 | 1) =>
      truth.some((t) => {
        if (!t.baseline || t.baseline.length < 2) return false;
        const [b0, b1] = xRange(t.baseline);
        const d = dir * (heightAt(t.baseline, cx) - cy);
        return cx >= b0 && cx <= b1 && d > 0 && d < 1.5 * spacing;
      });
    if (cx < all[0] || cx > all[1] || cy < all[2] || cy > all[3]) into.foundNoTruthOutside++;
    else if (near(-1) && near(1)) into.foundNoTruthBetween++;
    else into.foundNoTruthOther++;
  });
  return causes;
}
