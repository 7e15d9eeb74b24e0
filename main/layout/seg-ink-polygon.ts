// Line polygons from the page's own ink around each found baseline, in the manner of kraken's
// polygoniser (kraken.lib.segmentation.calculate_polygonal_environment), which is what
// eScriptorium draws and so what most HTR-United ground truth looks like: above and below
// the baseline, within the band that the neighbouring baselines leave it, the cheapest path
// from the line's left end to its right end through an edge-energy map (the smoothed Sobel
// magnitude of the page: low on bare paper, high on strokes), each step a pixel further from
// the baseline costing a little more, so the path hugs the line's ink where the paper around
// it is clear and cuts through an ascender or descender where going round would cost more.
// The network's line map at 640 px gives the same band far coarser (a map pixel is 4-6 page
// pixels) and smoothed by the held median reach; this works on a larger copy of the page.
// Pure code on a grayscale image and polylines, in that image's pixels.
import type { Point } from '../io/layout.ts';
import type { GrayImage } from '../ml/line-image.ts';
import { simplifyPolyline, trimEnds, yAt } from './seg-polyline.ts';

export interface InkPolygonOptions {
  /**
   * The upper path is searched from this many line spacings above the baseline, so that it
   * cannot run along the baseline itself through the gaps between words (kraken: its
   * line_width of 8 pixels, about 0.13 of a spacing on its 1800-pixel page).
   */
  seamStartSpacings: number;
  /**
   * Each line spacing further from the baseline costs this many times the search band's mean
   * edge energy, per column (kraken: a pixel costs the mean / 150, about 0.4 per spacing).
   */
  seamBias: number;
  /** The path's distance from the baseline is held within its mean ± this many standard deviations (kraken: 1). */
  seamClip: number;
  /**
   * The polygon lies this many line spacings outside the paths (kraken: half its line_width,
   * about 0.07). 0.12: at 0.07 the polygons reached a median 0.83 of the true height above the
   * baseline (prose tuning set); recall / precision there 0.906 / 0.816 → 0.908 / 0.818,
   * the dev tuning pages 0.730 / 0.793 → 0.739 / 0.802 (0.18: 0.905 / 0.815, 0.722 / 0.784).
   */
  seamPadSpacings: number;
  /** Where no other baseline bounds the search above or below, it stops this many line spacings from the baseline. */
  maxUpSpacings: number;
  maxDownSpacings: number;
  /**
   * The polygon's ends lie this many line spacings inside the baseline's ends (the baseline
   * keeps its length): the network's baseline band has rounded ends that overshoot the ink
   * (untrimmed, the polygons began 0.10 spacings left of the true ones and ended 0.13 right,
   * medians of the prose set). 0.1: dev tuning pages 0.739 / 0.802 → 0.743 / 0.806, prose
   * 0.908 / 0.818 → 0.908 / 0.817.
   */
  seamEndTrimSpacings: number;
  /**
   * The path's distance from the baseline is smoothed by a running median over this many
   * line spacings (0: not smoothed): a path that dips between two strokes for a few columns
   * makes spikes that no annotator draws. Off: at 0.3 or 0.6 recall and precision moved by
   * at most 0.001 on either tuning set (mean IoU +0.002–0.007).
   */
  seamSmoothSpacings: number;
  /**
   * The polygon's ends are moved in to where the line's ink begins and ends: the first and
   * last stretch of a tenth of a spacing whose edge energy between the paths reaches this
   * share of the line's mean column (0: the baseline's ends). Never more than a third of the line.
   * Off: at 0.2 the dev tuning pages fell from 0.743 / 0.806 to 0.734 / 0.796 (prose unchanged).
   */
  inkEndShare: number;
  /** Vertices closer than this many line spacings to the straight polygon edge they lie on are dropped (kraken simplifies by 5 pixels). */
  simplifySpacings: number;
}

export const DEFAULT_INK_POLYGON: InkPolygonOptions = {
  seamStartSpacings: 0.13,
  seamBias: 0.4,
  seamClip: 1,
  seamPadSpacings: 0.12,
  maxUpSpacings: 1.5,
  maxDownSpacings: 1,
  seamEndTrimSpacings: 0.1,
  seamSmoothSpacings: 0,
  inkEndShare: 0,
  simplifySpacings: 0.05,
};

/** Smoothed Sobel magnitude of a grayscale image (σ 0.5 Gaussian, as kraken's default map). */
export function edgeEnergy(img: GrayImage): Float32Array {
  const { width: w, height: h, data } = img;
  const sobel = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const k = y * w + x;
      const a = data[k - w - 1];
      const b = data[k - w];
      const c = data[k - w + 1];
      const d = data[k - 1];
      const f = data[k + 1];
      const g = data[k + w - 1];
      const i = data[k + w];
      const j = data[k + w + 1];
      const gx = c + 2 * f + j - a - 2 * d - g;
      const gy = g + 2 * i + j - a - 2 * b - c;
      sobel[k] = Math.sqrt(gx * gx + gy * gy);
    }
  }
  // Gaussian of σ 0.5, separable: weights e^-2 : 1 : e^-2, normalised.
  const side = Math.exp(-2) / (1 + 2 * Math.exp(-2));
  const mid = 1 - 2 * side;
  const rows = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      rows[k] = mid * sobel[k] + side * (sobel[x > 0 ? k - 1 : k] + sobel[x < w - 1 ? k + 1 : k]);
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      out[k] = mid * rows[k] + side * (rows[y > 0 ? k - w : k] + rows[y < h - 1 ? k + w : k]);
    }
  }
  return out;
}

/** Buffers for cheapestPath, grown as needed and reused from line to line (a page's lines would otherwise allocate tens of megabytes). */
export class PathWork {
  acc = new Float32Array(0);
  back = new Int16Array(0);
  cost = new Float32Array(0);
  sized(n: number): PathWork {
    if (this.acc.length < n) {
      this.acc = new Float32Array(n);
      this.back = new Int16Array(n);
      this.cost = new Float32Array(n);
    }
    return this;
  }
}

/**
 * The cheapest path from the first column to the last through a band of `rows[c]` cells per
 * column (`cost[c * depth + r]` for r < rows[c]), moving at most one row per column: dynamic
 * programming, as seam carving. Returns the row of each column.
 */
export function cheapestPath(rows: Int32Array, depth: number, cost: Float32Array, work = new PathWork()): Int32Array {
  const columns = rows.length;
  const { acc, back } = work.sized(columns * depth);
  acc.fill(Infinity, 0, columns * depth);
  for (let r = 0; r < rows[0]; r++) acc[r] = cost[r];
  for (let c = 1; c < columns; c++) {
    const prev = (c - 1) * depth;
    const here = c * depth;
    for (let r = 0; r < rows[c]; r++) {
      let best = acc[prev + r];
      let step = 0;
      if (r > 0 && acc[prev + r - 1] < best) {
        best = acc[prev + r - 1];
        step = -1;
      }
      if (r + 1 < depth && acc[prev + r + 1] < best) {
        best = acc[prev + r + 1];
        step = 1;
      }
      // The band narrowed by more than a row since the previous column: carry on from its nearest row.
      if (best === Infinity) {
        const last = Math.max(0, rows[c - 1] - 1);
        best = acc[prev + last];
        step = last - r;
      }
      acc[here + r] = best + cost[here + r];
      back[here + r] = step;
    }
  }
  const path = new Int32Array(columns);
  let r = 0;
  const end = (columns - 1) * depth;
  for (let k = 1; k < rows[columns - 1]; k++) if (acc[end + k] < acc[end + r]) r = k;
  for (let c = columns - 1; c >= 0; c--) {
    path[c] = r;
    if (c > 0) r = Math.max(0, r + back[c * depth + r]);
  }
  return path;
}

/** Running median over `window` values (odd), the ends using what they have. */
export function runningMedian(values: Int32Array, window: number): Int32Array {
  const half = Math.floor(window / 2);
  if (half < 1) return values;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const part = Array.from(values.subarray(Math.max(0, i - half), Math.min(values.length, i + half + 1))).sort((a, b) => a - b);
    out[i] = part[part.length >> 1];
  }
  return out;
}

/**
 * Where a line's ink begins and ends: the first column of `profile` that reaches `share` of
 * its mean column and starts a stretch of `run` columns that does on average, and the last
 * such column from the right (the mean, not the median: a line with wide gaps between words
 * has many empty columns).
 */
export function inkEnds(profile: Float64Array, share: number, run: number): [number, number] {
  const n = profile.length;
  const floor = (share * profile.reduce((a, b) => a + b, 0)) / n;
  const w = Math.max(1, Math.min(run, n));
  const inked = (from: number, to: number) => {
    let s = 0;
    for (let k = from; k < to; k++) s += profile[k];
    return s >= floor * (to - from);
  };
  let first = 0;
  while (first < n - 1 && !(profile[first] >= floor && inked(first, Math.min(n, first + w)))) first++;
  let last = n - 1;
  while (last > first && !(profile[last] >= floor && inked(Math.max(0, last - w + 1), last + 1))) last--;
  return [first, last];
}

/** Values held within their mean ± k standard deviations. */
function clipToSpread(values: Int32Array, k: number): Float64Array {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  return Float64Array.from(values, (v) => Math.min(mean + k * std, Math.max(mean - k * std, v)));
}

/** The height of a polyline (points left to right) at each whole column x0…x1; NaN where it does not reach. */
export function columnHeights(line: Point[], x0: number, x1: number): Float64Array {
  const out = new Float64Array(x1 - x0 + 1).fill(NaN);
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = line[i - 1];
    const [bx, by] = line[i];
    for (let x = Math.max(x0, Math.ceil(ax)); x <= Math.min(x1, Math.floor(bx)); x++)
      out[x - x0] = bx === ax ? by : ay + ((by - ay) * (x - ax)) / (bx - ax);
  }
  return out;
}

/** For each column of a baseline, the distance to the nearest other baseline above (dir -1) or below (1); Infinity where none. */
function neighbourDistance(ys: Float64Array, others: Float64Array[], dir: -1 | 1): Float64Array {
  return Float64Array.from(ys, (y, c) => {
    let near = Infinity;
    for (const o of others) {
      const d = dir * (o[c] - y);
      if (d > 0) near = Math.min(near, d);
    }
    return near;
  });
}

/**
 * For each column of a baseline, how far the search may reach above or below: to just short
 * of the nearest other baseline over that column (`near`), else `cap`, and never off the image.
 */
function searchBounds(ys: Float64Array, near: Float64Array, dir: -1 | 1, cap: number, height: number): Int32Array {
  return Int32Array.from(ys, (y, c) => Math.max(0, Math.floor(Math.min(cap, dir < 0 ? y : height - 1 - y, near[c] - 1))));
}

/**
 * A polygon around each baseline (points left to right, in the image's pixels) from the
 * image's ink; `spacing` is the page's line spacing in those pixels, every point within the
 * image (0…width-1, 0…height-1). Null for a baseline without points, shorter than three
 * columns inside the image or wholly above or below it (the caller keeps its own polygon).
 */
export function inkPolygons(
  img: GrayImage,
  baselines: Point[][],
  spacing: number,
  options: Partial<InkPolygonOptions> = {},
  energy: Float32Array = edgeEnergy(img),
): Array<Point[] | null> {
  const o = { ...DEFAULT_INK_POLYGON, ...options };
  const { width, height } = img;
  const start = Math.max(1, Math.round(o.seamStartSpacings * spacing));
  const pad = o.seamPadSpacings * spacing;
  const work = new PathWork();
  return baselines.map((full, i) => {
    if (full.length === 0) return null;
    const baseline = trimEnds(full, o.seamEndTrimSpacings * spacing);
    const x0 = Math.max(0, Math.ceil(baseline[0][0]));
    const x1 = Math.min(width - 1, Math.floor(baseline[baseline.length - 1][0]));
    if (x1 - x0 < 2) return null;
    const ys = columnHeights(baseline, x0, x1).map((y, c) => (Number.isNaN(y) ? yAt(baseline, x0 + c) : y));
    // Only baselines over some of these columns and within reach can bound this one.
    const reach = Math.max(o.maxUpSpacings, o.maxDownSpacings) * spacing;
    const top = Math.min(...baseline.map((p) => p[1])) - reach;
    const bottom = Math.max(...baseline.map((p) => p[1])) + reach;
    const others = baselines
      .filter(
        (b, j) =>
          j !== i &&
          b.length > 1 &&
          b[0][0] <= x1 &&
          b[b.length - 1][0] >= x0 &&
          b.some(([, y]) => y >= top) &&
          b.some(([, y]) => y <= bottom),
      )
      .map((b) => columnHeights(b, x0, x1));
    // One side: rows r = 0… of the band, r pixels (plus `from`) from the baseline in `dir`.
    const side = (dir: -1 | 1, from: number, cap: number): Float64Array => {
      const near = neighbourDistance(ys, others, dir);
      const bound = searchBounds(ys, near, dir, cap, height);
      const rows = Int32Array.from(bound, (b) => Math.max(1, b - from + 1));
      const depth = Math.max(...rows);
      const cost = work.sized(rows.length * depth).cost;
      let sum = 0;
      let n = 0;
      for (let c = 0; c < rows.length; c++) {
        const y0 = Math.round(ys[c]) + dir * from;
        for (let r = 0; r < rows[c]; r++, n++) {
          const y = Math.min(height - 1, Math.max(0, y0 + dir * r));
          sum += cost[c * depth + r] = energy[y * width + x0 + c];
        }
      }
      const perPixel = ((n ? sum / n : 0) * o.seamBias) / spacing;
      for (let c = 0; c < rows.length; c++) for (let r = 0; r < rows[c]; r++) cost[c * depth + r] += perPixel * r;
      const path = runningMedian(cheapestPath(rows, depth, cost, work), 2 * Math.floor((o.seamSmoothSpacings * spacing) / 2) + 1);
      // Never past another baseline over the column: the search stops short of it, but the pad
      // (and the clip towards the mean, where a close neighbour narrowed the band) carried the
      // polygon over an interlinear insertion's baseline 0.6 spacings above a line.
      return clipToSpread(path, o.seamClip).map((r, c) => Math.min(r + from + pad, near[c]));
    };
    const up = side(-1, start, Math.round(o.maxUpSpacings * spacing));
    const down = side(1, 0, Math.round(o.maxDownSpacings * spacing));
    let [first, last] = [0, ys.length - 1];
    if (o.inkEndShare > 0) {
      const profile = Float64Array.from(ys, (y, c) => {
        let s = 0;
        for (let yy = Math.max(0, Math.round(y - up[c])); yy <= Math.min(height - 1, Math.round(y + down[c])); yy++)
          s += energy[yy * width + x0 + c];
        return s;
      });
      const [a, b] = inkEnds(profile, o.inkEndShare, Math.max(1, Math.round(spacing / 10)));
      const most = Math.floor(ys.length / 3);
      first = Math.min(a, most);
      last = Math.max(b, ys.length - 1 - most);
    }
    // Every point on the image's pixels, as x already is (x0…x1): a baseline at the page's
    // edge may run past it, and its ends gave points off the page (negative, or past the last
    // row), which an export writes as they are and a line crop has no pixels for. Clamping
    // keeps the order of the points (the upper path ≤ the baseline ≤ the lower path).
    const onPage = (y: number) => Math.min(height - 1, Math.max(0, y));
    const chain = (dist: Float64Array, dir: -1 | 1): Point[] =>
      simplifyPolyline(
        Array.from(dist.subarray(first, last + 1), (d, k): Point => [x0 + first + k, onPage(ys[first + k] + dir * d)]),
        o.simplifySpacings * spacing,
      );
    const polygon: Point[] = [
      [x0 + first, onPage(ys[first])],
      ...chain(up, -1),
      [x0 + last, onPage(ys[last])],
      ...chain(down, 1).reverse(),
    ];
    // A baseline wholly off the page clamps to a polygon without height: none (the caller keeps its own).
    const heights = polygon.map((p) => p[1]);
    return Math.max(...heights) > Math.min(...heights) ? polygon : null;
  });
}
