// How well a segmentation finds the true lines: polygons matched one-to-one at an
// intersection-over-union threshold (0.5 is the usual one for text lines), giving recall
// (true lines found) and precision (found lines that are true).
import type { Point } from '../io/layout.ts';

/**
 * Where a horizontal line at height y crosses the polygon's edges, sorted: a point (x, y) is
 * inside when an odd number of them lie right of x. The same test, edge for edge and in the
 * same arithmetic, as contains() (polygon.ts), done once per row instead of once per point.
 */
function rowCrossings(polygon: Point[], y: number): number[] {
  const out: number[] = [];
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y) out.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
  }
  return out.sort((p, q) => p - q);
}

/** Area IoU of two simple polygons, by rasterising both on a grid over their union's box (cell centres tested as contains() does). */
export function polygonIoU(a: Point[], b: Point[], cells = 160): number {
  return polygonOverlap(a, b, cells).iou;
}

/**
 * How two simple polygons overlap, by rasterising both on a grid over their union's box
 * (cell centres tested as contains() does): their IoU, and the share of `a`'s own area
 * inside `b` (1 when a lies wholly within b, however small a is).
 */
export function polygonOverlap(a: Point[], b: Point[], cells = 160): { iou: number; insideB: number } {
  const xs = [...a, ...b].map((p) => p[0]);
  const ys = [...a, ...b].map((p) => p[1]);
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  const xEnd = Math.max(...xs);
  const yEnd = Math.max(...ys);
  const step = Math.max((xEnd - x0) / cells, (yEnd - y0) / cells, 1e-9);
  let both = 0;
  let either = 0;
  let inAll = 0;
  for (let y = y0 + step / 2; y < yEnd; y += step) {
    const ca = rowCrossings(a, y);
    const cb = rowCrossings(b, y);
    // ia / ib: how many crossings lie at or left of x (x only grows along the row).
    let ia = 0;
    let ib = 0;
    for (let x = x0 + step / 2; x < xEnd; x += step) {
      while (ia < ca.length && ca[ia] <= x) ia++;
      while (ib < cb.length && cb[ib] <= x) ib++;
      const inA = (ca.length - ia) % 2 === 1;
      const inB = (cb.length - ib) % 2 === 1;
      if (inA && inB) both++;
      if (inA || inB) either++;
      if (inA) inAll++;
    }
  }
  return { iou: either ? both / either : 0, insideB: inAll ? both / inAll : 0 };
}

export interface LineMatch {
  truth: number;
  found: number;
  matched: number;
  recall: number;
  precision: number;
  /** Sum of the IoUs of the matched pairs (mean IoU = iouSum / matched). */
  iouSum: number;
}

export interface LinePair {
  /** Index into the found lines. */
  f: number;
  /** Index into the true lines. */
  t: number;
  iou: number;
}

/** Greedy one-to-one matching, best IoU pairs first: the pairs at IoU ≥ threshold. */
export function matchPairs(found: Point[][], truth: Point[][], threshold = 0.5): LinePair[] {
  const pairs: LinePair[] = [];
  found.forEach((f, i) =>
    truth.forEach((t, j) => {
      if (!boxesOverlap(f, t)) return;
      const iou = polygonIoU(f, t);
      if (iou >= threshold) pairs.push({ f: i, t: j, iou });
    }),
  );
  pairs.sort((p, q) => q.iou - p.iou);
  const usedF = new Set<number>();
  const usedT = new Set<number>();
  const kept: LinePair[] = [];
  for (const p of pairs) {
    if (usedF.has(p.f) || usedT.has(p.t)) continue;
    usedF.add(p.f);
    usedT.add(p.t);
    kept.push(p);
  }
  return kept;
}

/** Greedy one-to-one matching, best IoU pairs first. */
export function matchLines(found: Point[][], truth: Point[][], threshold = 0.5): LineMatch {
  const pairs = matchPairs(found, truth, threshold);
  const matched = pairs.length;
  return {
    truth: truth.length,
    found: found.length,
    matched,
    iouSum: pairs.reduce((s, p) => s + p.iou, 0),
    recall: truth.length ? matched / truth.length : 1,
    precision: found.length ? matched / found.length : 1,
  };
}

function boxesOverlap(a: Point[], b: Point[]): boolean {
  const box = (p: Point[]) => [
    Math.min(...p.map((q) => q[0])),
    Math.min(...p.map((q) => q[1])),
    Math.max(...p.map((q) => q[0])),
    Math.max(...p.map((q) => q[1])),
  ];
  const [ax0, ay0, ax1, ay1] = box(a);
  const [bx0, by0, bx1, by1] = box(b);
  return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1;
}
