// Cuts a text line out of a page *along its baseline*: the output's columns follow the
// baseline, each one sampled along the baseline's normal, so a line written uphill, or one
// that curves, comes out straight and level, and only as tall as the line itself.
//
// Why: cropping the box around a tilted line's polygon (line-crop.ts) leaves the writing as
// a diagonal band in a box much taller than the line; scaled to the recognizer's height
// the letters shrink to a third or less and lean. On a held-out collection of hand-written
// notes (peraire) most lines the fine-tuned model could not read at all were such lines.
// kraken does the same for baseline segmentation (its polygon extraction along the baseline).
//
// Pure (pixels in, pixels out). Returns null where a baseline cannot guide the cut (too
// short, vertical, or not beside its polygon); callers then fall back to cropLine.
import type { Point } from '../io/layout.ts';
import type { GrayImage } from '../ml/line-image.ts';
import { boundingBox } from '../io/layout.ts';
import { cropLine, polygonMask, type PagePixels } from './line-crop.ts';

/** The baseline as a polyline with arc lengths, extended straight beyond both ends. */
class Path {
  readonly cum: number[] = [0];
  constructor(readonly pts: Point[]) {
    for (let i = 1; i < pts.length; i++) this.cum.push(this.cum[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
  }
  get length(): number {
    return this.cum[this.cum.length - 1];
  }
  /** The point at arc length s (before 0 and after the end: along the first or last segment). */
  at(s: number): Point {
    const { pts, cum } = this;
    let k = 0;
    if (s >= cum[cum.length - 1]) k = pts.length - 2;
    else if (s > 0) {
      let lo = 0;
      let hi = pts.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] <= s) lo = mid;
        else hi = mid;
      }
      k = lo;
    }
    const len = cum[k + 1] - cum[k];
    const t = (s - cum[k]) / len;
    const [ax, ay] = pts[k];
    const [bx, by] = pts[k + 1];
    return [ax + (bx - ax) * t, ay + (by - ay) * t];
  }
  /**
   * Arc length and signed distance (positive below the baseline, y growing down) of the
   * nearest point of the path; the first and last segments extend beyond the ends, so the
   * polygon's ink before and after the baseline gets arc lengths below 0 or above the end.
   */
  project([qx, qy]: Point): { s: number; d: number } {
    const { pts, cum } = this;
    let best = { s: 0, d: 0, dist: Infinity };
    for (let k = 0; k + 1 < pts.length; k++) {
      const [ax, ay] = pts[k];
      const len = cum[k + 1] - cum[k];
      const tx = (pts[k + 1][0] - ax) / len;
      const ty = (pts[k + 1][1] - ay) / len;
      let t = (qx - ax) * tx + (qy - ay) * ty;
      if (k > 0) t = Math.max(0, t);
      if (k < pts.length - 2) t = Math.min(len, t);
      const px = ax + tx * t;
      const py = ay + ty * t;
      const dist = Math.hypot(qx - px, qy - py);
      if (dist < best.dist) best = { s: cum[k] + t, d: tx * (qy - ay) - ty * (qx - ax), dist };
    }
    return best;
  }
}

/** Polygon vertices and points along its edges every `step` px, so the extents see every edge. */
function outline(polygon: Point[], step: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const [ax, ay] = polygon[i];
    const [bx, by] = polygon[(i + 1) % polygon.length];
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / step));
    for (let k = 0; k < n; k++) out.push([ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n]);
  }
  return out;
}

/** The baseline's points left to right without repeats, or null when it cannot guide a cut. */
function usableBaseline(baseline: Point[]): Point[] | null {
  const pts: Point[] = [];
  for (const p of baseline) {
    const last = pts[pts.length - 1];
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= 0.5) pts.push(p);
  }
  if (pts.length < 2) return null;
  const dx = pts[pts.length - 1][0] - pts[0][0];
  const dy = pts[pts.length - 1][1] - pts[0][1];
  // A vertical line (|slope| > 1) is not what this cut is for: it would turn the writing.
  if (Math.abs(dy) > Math.abs(dx) || Math.hypot(dx, dy) < 2) return null;
  // Right-to-left baselines (RTL scripts) are walked left to right: the image is never mirrored.
  return dx < 0 ? pts.reverse() : pts;
}

/** The line's pixels along its baseline, or null where the baseline cannot guide the cut. */
export function straightenLine(page: PagePixels, polygon: Point[], baseline: Point[]): GrayImage | null {
  const pts = usableBaseline(baseline);
  if (!pts || polygon.length < 3) return null;
  const path = new Path(pts);
  let sMin = Infinity;
  let sMax = -Infinity;
  let above = 0;
  let below = 0;
  for (const q of outline(polygon, 4)) {
    const { s, d } = path.project(q);
    sMin = Math.min(sMin, s);
    sMax = Math.max(sMax, s);
    above = Math.max(above, -d);
    below = Math.max(below, d);
  }
  // Whole pixels, with a little slack so float noise (16.000001) does not add a row.
  const EPS = 1e-6;
  sMin = Math.floor(sMin + EPS);
  above = Math.ceil(above - EPS);
  const width = Math.ceil(sMax - sMin - EPS);
  const height = above + Math.ceil(below - EPS);
  const box = boundingBox(polygon);
  // A baseline far from its polygon would sweep a band much larger than the line: not a cut
  // to trust. Straightening a tilted line only ever makes it lower than its box.
  if (width < 1 || height < 1 || height > box.h * 1.5 + 4 || width > (box.w + box.h) * 1.5 + 4) return null;

  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const mw = Math.min(page.width, Math.ceil(box.x + box.w)) - x0;
  const mh = Math.min(page.height, Math.ceil(box.y + box.h)) - y0;
  if (mw < 1 || mh < 1) return null;
  const inside = polygonMask(polygon, x0, y0, mw, mh);

  // Normals from the baseline's direction over a window of about half the line's height,
  // so a baseline with many small kinks does not fan the columns out at every vertex.
  const window = Math.max(2, height / 2);
  const out = new Uint8Array(width * height);
  const keep = new Uint8Array(width * height);
  let paper = 0;
  let kept = 0;
  const { width: pw, height: ph, channels, data } = page;
  const gray = (x: number, y: number) => data[(y * pw + x) * channels];
  for (let j = 0; j < width; j++) {
    const s = sMin + j + 0.5;
    const [px, py] = path.at(s);
    const [ax, ay] = path.at(s - window);
    const [bx, by] = path.at(s + window);
    const len = Math.hypot(bx - ax, by - ay);
    const nx = -(by - ay) / len;
    const ny = (bx - ax) / len;
    for (let i = 0; i < height; i++) {
      const t = i + 0.5 - above;
      // Pixel centres are at +0.5: sample the page's grid at (qx − 0.5, qy − 0.5).
      const qx = px + t * nx;
      const qy = py + t * ny;
      const mx = Math.floor(qx) - x0;
      const my = Math.floor(qy) - y0;
      if (mx < 0 || my < 0 || mx >= mw || my >= mh || !inside[my * mw + mx]) continue;
      const fx = Math.min(pw - 1, Math.max(0, qx - 0.5));
      const fy = Math.min(ph - 1, Math.max(0, qy - 0.5));
      const xa = Math.floor(fx);
      const ya = Math.floor(fy);
      const xb = Math.min(pw - 1, xa + 1);
      const yb = Math.min(ph - 1, ya + 1);
      const u = fx - xa;
      const v = fy - ya;
      const value = Math.round((gray(xa, ya) * (1 - u) + gray(xb, ya) * u) * (1 - v) + (gray(xa, yb) * (1 - u) + gray(xb, yb) * u) * v);
      out[i * width + j] = value;
      keep[i * width + j] = 1;
      kept++;
      paper = Math.max(paper, value);
    }
  }
  // No sample fell inside the polygon (a zero-area or sub-pixel sliver of a polygon): the cut
  // would be all paper = 0, a black image. Let the caller fall back to the box cut instead.
  if (kept === 0) return null;
  // Outside the polygon (and the page) becomes the line's paper tone, as in cropLine.
  for (let k = 0; k < out.length; k++) if (!keep[k]) out[k] = paper;
  return { width, height, data: out };
}

/** The recognizer's view of a line: straightened along its baseline where it has a usable one, else its polygon's box. */
export function cutLine(page: PagePixels, polygon: Point[], baseline: Point[] | null): GrayImage | null {
  return (baseline && straightenLine(page, polygon, baseline)) ?? cropLine(page, polygon);
}
