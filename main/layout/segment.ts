// Classical line segmentation for clean single-column manuscripts: Sauvola binarisation,
// deskew by projection-profile sharpness, line bands from the smoothed horizontal
// profile, and per line a polygon around its ink and a baseline at the bottom of its
// body (x-height band). Pure code on a grayscale image; no DB, no images on disk.
import type { GrayImage } from '../ml/line-image.ts';
import type { Point } from '../io/layout.ts';
import { sauvola } from './binarize.ts';

export interface SegmentedLine {
  polygon: Point[];
  baseline: Point[];
}

export interface Segmentation {
  lines: SegmentedLine[];
  /** Detected skew: a line rises by tan(skew) per pixel to the right (positive = downwards). */
  skewDegrees: number;
}

/** Working resolution: pages are reduced by an integer factor to at most this many pixels on the long side. */
const WORK_SIZE = 1600;
const MAX_SKEW_DEGREES = 5;

export function segmentPage(page: GrayImage): Segmentation {
  const factor = Math.max(1, Math.round(Math.max(page.width, page.height) / WORK_SIZE));
  const img = factor > 1 ? shrink(page, factor) : page;
  const ink = sauvola(img);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++)
      if (ink[y * img.width + x]) {
        xs.push(x);
        ys.push(y);
      }
  }
  if (xs.length === 0) return { lines: [], skewDegrees: 0 };
  const slope = Math.tan((estimateSkew(xs, ys, img.height) * Math.PI) / 180);
  // Work in sheared coordinates y' = y - x·slope, where lines are horizontal.
  const offset = Math.ceil(Math.abs(slope) * img.width) + 1;
  const rows = img.height + 2 * offset;
  const rowOf = (i: number) => Math.round(ys[i] - xs[i] * slope) + offset;
  const profile = new Float64Array(rows);
  for (let i = 0; i < xs.length; i++) profile[rowOf(i)]++;

  const bands = lineBands(profile);
  const body = bodyHeight(profile);
  const bandOf = new Int32Array(rows).fill(-1);
  bands.forEach((b, k) => bandOf.fill(k, b.from, b.to));
  // Per band: the ink pixels, and their column histogram (horizontal extent).
  const members: number[][] = bands.map(() => []);
  const columns = bands.map(() => new Float64Array(img.width));
  for (let i = 0; i < xs.length; i++) {
    const k = bandOf[rowOf(i)];
    if (k >= 0) {
      columns[k][xs[i]]++;
      members[k].push(i);
    }
  }
  const inkPerBand = bands.map((b) => sum(profile, b.from, b.to));
  const typical = median(inkPerBand);
  const lines: SegmentedLine[] = [];
  const unshear = (x: number, yPrime: number): Point => [Math.round(x * factor), Math.round((yPrime - offset + x * slope) * factor)];
  bands.forEach((band, k) => {
    // Specks and stray marks between lines make bands with little ink: not lines.
    if (inkPerBand[k] < 0.1 * typical) return;
    // A band can hold a marginal note beside the line, or ink of the margin: each run of
    // ink separated by a wide gap is a line of its own, sized by its own ink only.
    for (const [left, right] of inkRuns(columns[k], band.to - band.from, body)) {
      if (right - left < Math.max(4, 2 * body)) continue;
      const own = new Float64Array(band.to - band.from);
      let ink = 0;
      for (const i of members[k])
        if (xs[i] >= left && xs[i] < right) {
          own[rowOf(i) - band.from]++;
          ink++;
        }
      if (ink < 0.05 * typical) continue;
      const peak = max(own, 0, own.length);
      const top = band.from + firstAtLeast(own, 0, own.length, 0.06 * peak);
      const bottom = band.from + lastAtLeast(own, 0, own.length, 0.06 * peak) + 1;
      const base = band.from + lastAtLeast(own, 0, own.length, 0.35 * peak) + 1;
      lines.push({
        polygon: [unshear(left, top), unshear(right, top), unshear(right, bottom), unshear(left, bottom)].map(([x, y]) =>
          clampPoint(x, y, page),
        ),
        baseline: [unshear(left, base), unshear(right, base)].map(([x, y]) => clampPoint(x, y, page)),
      });
    }
  });
  return { lines, skewDegrees: (Math.atan(slope) * 180) / Math.PI };
}

/**
 * The angle whose sheared horizontal profile is sharpest (largest sum of squares): text
 * lines then fall into as few rows as possible. Coarse search, then a finer one.
 */
function estimateSkew(xs: number[], ys: number[], height: number): number {
  const stride = Math.max(1, Math.floor(xs.length / 150_000));
  const score = (degrees: number) => {
    const slope = Math.tan((degrees * Math.PI) / 180);
    const offset = Math.ceil(Math.abs(slope) * 20_000);
    const hist = new Float64Array(height + 2 * offset + 1);
    for (let i = 0; i < xs.length; i += stride) {
      const r = Math.round(ys[i] - xs[i] * slope) + offset;
      if (r >= 0 && r < hist.length) hist[r]++;
    }
    let s = 0;
    for (const h of hist) s += h * h;
    return s;
  };
  const search = (from: number, to: number, step: number) => {
    let best = from;
    let bestScore = -1;
    for (let a = from; a <= to + 1e-9; a += step) {
      const s = score(a);
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    return best;
  };
  const coarse = search(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.25);
  return search(coarse - 0.25, coarse + 0.25, 0.05);
}

/**
 * Splits the profile into one band per text line: the profile smoothed over about a line
 * body has one peak per line, and bands meet at the valley between neighbouring peaks.
 */
function lineBands(profile: Float64Array): Array<{ from: number; to: number }> {
  const body = bodyHeight(profile);
  const smooth = boxSmooth(profile, Math.max(1, Math.round(body / 2)));
  const top = max(smooth, 0, smooth.length);
  if (top === 0) return [];
  // Even tightly written lines sit more than 1.5 bodies apart (ascenders and descenders between).
  const minDistance = Math.max(2, Math.round(body * 1.5));
  const peaks: number[] = [];
  // Strongest peaks first, each excluding its neighbourhood.
  const order = [...smooth.keys()].filter((i) => smooth[i] >= 0.15 * top && isLocalMax(smooth, i)).sort((a, b) => smooth[b] - smooth[a]);
  for (const i of order) if (peaks.every((p) => Math.abs(p - i) >= minDistance)) peaks.push(i);
  peaks.sort((a, b) => a - b);
  const bands = [];
  for (let k = 0; k < peaks.length; k++) {
    const from = k === 0 ? Math.max(0, peaks[0] - 2 * body) : argMin(smooth, peaks[k - 1], peaks[k]);
    const to = k === peaks.length - 1 ? Math.min(profile.length, peaks[k] + 2 * body) : argMin(smooth, peaks[k], peaks[k + 1]);
    bands.push({ from, to });
  }
  return bands;
}

/**
 * Height of a line's body (about the x-height): the median length of the runs of rows whose
 * ink is above a quarter of the strong rows' level. Line spacing in manuscripts is too
 * irregular for the profile's autocorrelation, but bodies are consistent within a hand.
 */
function bodyHeight(profile: Float64Array): number {
  const smooth = boxSmooth(profile, 1);
  const sorted = [...smooth].filter((v) => v > 0).sort((a, b) => a - b);
  const level = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  const runs: number[] = [];
  let run = 0;
  for (const v of smooth) {
    if (v >= 0.25 * level) run++;
    else {
      if (run >= 2) runs.push(run);
      run = 0;
    }
  }
  if (run >= 2) runs.push(run);
  return Math.max(4, median(runs));
}

/**
 * The runs of ink columns of a band, ignoring specks: columns of the smoothed histogram
 * above a small threshold, with gaps up to GAP_BODIES line bodies bridged (gaps between
 * words); a wider gap (the margin between a note and the text) starts a new run.
 */
const GAP_BODIES = 4;
function inkRuns(columns: Float64Array, bandHeight: number, body: number): Array<[number, number]> {
  const smooth = boxSmooth(columns, Math.max(2, Math.round(bandHeight / 2)));
  const total = sum(columns, 0, columns.length);
  const threshold = Math.max(0.5, (total / columns.length) * 0.02);
  const runs: Array<[number, number]> = [];
  let start = -1;
  let lastInk = -Infinity;
  for (let x = 0; x < smooth.length; x++) {
    if (smooth[x] < threshold) continue;
    if (start >= 0 && x - lastInk > GAP_BODIES * body) {
      runs.push([start, lastInk + 1]);
      start = -1;
    }
    if (start < 0) start = x;
    lastInk = x;
  }
  if (start >= 0) runs.push([start, lastInk + 1]);
  return runs;
}

function shrink(img: GrayImage, f: number): GrayImage {
  const width = Math.floor(img.width / f);
  const height = Math.floor(img.height / f);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += img.data[(y * f + dy) * img.width + x * f + dx];
      data[y * width + x] = Math.round(s / (f * f));
    }
  }
  return { width, height, data };
}

function boxSmooth(values: Float64Array, radius: number): Float64Array {
  const out = new Float64Array(values.length);
  let s = 0;
  for (let i = 0; i < Math.min(radius, values.length); i++) s += values[i];
  for (let i = 0; i < values.length; i++) {
    if (i + radius < values.length) s += values[i + radius];
    if (i - radius - 1 >= 0) s -= values[i - radius - 1];
    out[i] = s / (2 * radius + 1);
  }
  return out;
}

const isLocalMax = (v: Float64Array, i: number) => (i === 0 || v[i] >= v[i - 1]) && (i === v.length - 1 || v[i] >= v[i + 1]);
const clampPoint = (x: number, y: number, img: GrayImage): Point => [
  Math.min(img.width, Math.max(0, x)),
  Math.min(img.height, Math.max(0, y)),
];

function sum(v: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i];
  return s;
}
function max(v: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) if (v[i] > m) m = v[i];
  return m;
}
function argMin(v: Float64Array, from: number, to: number): number {
  let best = from;
  for (let i = from; i <= to; i++) if (v[i] < v[best]) best = i;
  return best;
}
function firstAtLeast(v: Float64Array, from: number, to: number, t: number): number {
  for (let i = from; i < to; i++) if (v[i] >= t) return i;
  return from;
}
function lastAtLeast(v: Float64Array, from: number, to: number, t: number): number {
  for (let i = to - 1; i >= from; i--) if (v[i] >= t) return i;
  return to - 1;
}
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : 0;
}
