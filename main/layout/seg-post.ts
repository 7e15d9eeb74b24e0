// From the segmentation network's maps to lines: connected bands of the baseline map that
// the network is sure of somewhere are baseline pieces; pieces of one baseline are joined,
// a baseline running across a gap in the line map (table cells) is cut there, short ones
// and those nested in another line's body dropped. Each polygon reaches up and
// down from its baseline through the line map (which the network learned to leave a seam
// in between lines), bounded by the neighbouring baselines; the region maps give each line
// a class, and lines of one class that sit together form a region (seg-block.ts). Regions
// come in reading order (top to bottom, a region beside another by its top, but columns of
// main text left to right, or right to left for a script that runs so), lines in a region
// top to bottom. Pure code on arrays, in the maps' pixels; the caller scales to the page.
import type { Point } from '../io/layout.ts';
import type { RegionClass } from '../io/region-class.ts';
import type { GrayImage } from '../ml/line-image.ts';
import { edgeFragments, groupRegions, type PostLine, type PostRegion, type ReadingDirection } from './seg-block.ts';
import { DEFAULT_GUTTER, blankAcross, inkReader, splitAtGutters, type GutterOptions } from './seg-gutter.ts';
import { splitAtGaps, trimEnds, yAt } from './seg-polyline.ts';

export type { PostLine, PostRegion };

export interface SegMaps {
  width: number;
  height: number;
  /** Probabilities in [0,1], row-major, one array per map. */
  baseline: Float32Array;
  line: Float32Array;
  main: Float32Array;
  margin: Float32Array;
  /** The page at the maps' size (the network's input before normalisation), for rules that read the ink (seg-gutter.ts). */
  image?: GrayImage;
}

// "Tuning pages" below: the 31 pages of the training collections that no model trained on
// (`npm run bench:segmentation -- --no-synthetic --no-classical --dev 4
// --train-pages-per-collection 80`); bench/seg-polygon-analysis.ts measures where the
// polygons differ from the true ones there.
export interface PostOptions extends GutterOptions {
  baselineThreshold: number;
  /**
   * A baseline piece counts only where the network is this sure somewhere along it
   * (hysteresis: faint show-through stays out). 0.8 rather than 0.7: on the tuning pages
   * precision 0.713 → 0.738 and recall 0.649 → 0.652 (faint pieces were mostly false lines).
   */
  baselinePeak: number;
  lineThreshold: number;
  /** Baselines shorter than this (pixels of the maps) are noise. */
  minLength: number;
  /** Distance between the points kept along a baseline. */
  step: number;
  /** Baselines shorter than this many line spacings are dropped as noise (after merging pieces). */
  minLengthSpacings: number;
  /** Pieces of one baseline are joined across a horizontal gap of up to this many line spacings… */
  joinGapSpacings: number;
  /** …when their ends are this close vertically (in line spacings). */
  joinRiseSpacings: number;
  /**
   * …and, with the page (`SegMaps.image`), unless the blank stretch of ink between them is
   * this many line spacings wide or more (0: not asked). The baseline map fades where a
   * sentence or a paragraph ends and the next begins on the same row after a wide space (the
   * FONDUE-DE pages), and the joined pieces made one found line of two true ones. At 1.3: prose
   * tuning set recall / precision 0.900 / 0.810 → 0.903 / 0.810, the dev pages unchanged (0.731
   * / 0.794); at 0.5–1.0 prose 0.904 / 0.811 but dev 0.727–0.730 / 0.787–0.793.
   */
  joinInkGapSpacings: number;
  /** A polygon reaches at most this many line spacings above its baseline… */
  upSpacings: number;
  /**
   * …and this many below it. 0.4 rather than 0.6: the true polygons reach a median 0.28
   * spacings below the baseline (0.44 at the 90th percentile) while a quarter of the found
   * ones ran on to the old bound, into the next line's ascenders (tuning pages). 0.35 rather
   * than 0.4: on the prose tuning set (`--tuning prose`) the true polygons reach a median 0.33
   * spacings below, the found ones 0.46; recall / precision there 0.894 / 0.784 → 0.898 /
   * 0.787, the tuning pages unchanged (0.734 / 0.780).
   */
  downSpacings: number;
  /** Column by column, the reach is held within these multiples of the line's median reach. */
  reachLow: number;
  reachHigh: number;
  /**
   * The reach found above the baseline is scaled by this: the line map reaches a median 1.12×
   * as high as the true polygons (tuning pages, matched lines); 0.9 brings it to ~1.0. 0.85
   * rather than 0.9: on the prose tuning set the found polygons still reached 1.12× as high
   * as the true ones (0.72 against 0.64 spacings); recall / precision there 0.898 / 0.787 →
   * 0.900 / 0.789 (mean IoU 0.769 → 0.774), the tuning pages 0.734 / 0.780 → 0.733 / 0.779.
   */
  upScale: number;
  /**
   * The polygon's ends are moved inward by this many line spacings (the baseline keeps its
   * length): found polygons began 0.11 spacings left of the true ones and ended 0.13 right of
   * them (medians, tuning pages), the baseline band's rounded ends.
   */
  endTrimSpacings: number;
  /**
   * A baseline is cut in two where the line map just above it (a third of a spacing) is empty
   * for this many line spacings: cells of a table row, or a line and a note level with it,
   * whose baselines the network drew as one band (0: never cut).
   */
  splitGapSpacings: number;
  /**
   * A column counts as empty there when no more than this share of that third of a spacing is
   * line body: 0.3 rather than 0 (wholly empty) cut 3 more true lines apart and raised
   * precision 0.738 → 0.740 on the tuning pages (the line map's seams are rarely clean).
   */
  splitBodyShare: number;
  /**
   * Fragments of a facing page or of another sheet at the scan's edge: a line not of the main
   * text, beside the main block, shorter than `edgeFragmentLength` of the block's width and
   * within `edgeFragmentShare` of the page's width from its left or right edge is dropped
   * (0: kept). Off: at 0.02 the prose tuning set's precision rose 0.789 → 0.851 but its
   * recall fell 0.900 → 0.891 (a few FONDUE-DE pages draw the facing page's fragments as
   * lines, most leave them out), the tuning pages 0.733 / 0.779 → 0.731 /
   * 0.781; which convention a project follows is its own (`quire segment` could offer it).
   */
  edgeFragmentShare: number;
  edgeFragmentLength: number;
  /**
   * A line shorter than `weakLengthSpacings` line spacings whose baseline the network is on
   * average less than `weakBaselineMean` sure of is dropped: stamps, show-through, words of a
   * facing page. On the prose tuning set the found lines matched to no true line had a mean
   * baseline probability of 0.63 (median) against 0.84 for the true ones. At 0.55 and 4
   * spacings: precision there 0.789 → 0.810 with the same 1,836 lines matched (recall 0.900),
   * the tuning pages 0.733 / 0.779 → 0.731 / 0.794 (two true lines lost). Margin lines are
   * kept: short notes are often faint (a generated page's note fell to it, regions.test.ts).
   */
  weakBaselineMean: number;
  weakLengthSpacings: number;
  /** Columns of main text read from the left, or the right ('rtl'; seg-block.ts). No page or project records a script's direction yet. */
  direction: ReadingDirection;
}

export const DEFAULT_POST: PostOptions = {
  ...DEFAULT_GUTTER,
  baselineThreshold: 0.4,
  baselinePeak: 0.8,
  lineThreshold: 0.35,
  minLength: 5,
  step: 6,
  minLengthSpacings: 0.5,
  joinGapSpacings: 1,
  joinRiseSpacings: 0.3,
  joinInkGapSpacings: 1.3,
  upSpacings: 1.1,
  downSpacings: 0.35,
  reachLow: 0.7,
  reachHigh: 1.3,
  upScale: 0.85,
  endTrimSpacings: 0.15,
  splitGapSpacings: 0.3,
  splitBodyShare: 0.3,
  edgeFragmentShare: 0,
  edgeFragmentLength: 0.25,
  weakBaselineMean: 0.55,
  weakLengthSpacings: 4,
  direction: 'ltr',
};

/** Connected components (8-neighbourhood) of the pixels above the threshold; labels from 1. */
export function components(map: Float32Array, width: number, height: number, threshold: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(width * height);
  let count = 0;
  const stack: number[] = [];
  for (let start = 0; start < map.length; start++) {
    if (labels[start] || map[start] < threshold) continue;
    labels[start] = ++count;
    stack.push(start);
    while (stack.length) {
      const k = stack.pop()!;
      const x = k % width;
      const y = (k - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const n = ny * width + nx;
          if (!labels[n] && map[n] >= threshold) {
            labels[n] = count;
            stack.push(n);
          }
        }
      }
    }
  }
  return { labels, count };
}

/** Per component: the mean row of its pixels in each column, as a polyline sampled every `step` columns. */
function baselines(
  labels: Int32Array,
  count: number,
  width: number,
  map: Float32Array,
  o: PostOptions,
): Array<{ label: number; points: Point[] }> {
  const peak = new Float32Array(count + 1);
  for (let k = 0; k < labels.length; k++) if (labels[k] && map[k] > peak[labels[k]]) peak[labels[k]] = map[k];
  const sums = new Map<number, Map<number, [number, number]>>();
  for (let k = 0; k < labels.length; k++) {
    const l = labels[k];
    if (!l || peak[l] < o.baselinePeak) continue;
    const x = k % width;
    let cols = sums.get(l);
    if (!cols) sums.set(l, (cols = new Map()));
    const c = cols.get(x) ?? [0, 0];
    c[0] += (k - x) / width;
    c[1]++;
    cols.set(x, c);
  }
  const out: Array<{ label: number; points: Point[] }> = [];
  for (const [label, cols] of sums) {
    const xs = [...cols.keys()].sort((a, b) => a - b);
    if (xs.length < 2) continue;
    const points: Point[] = [];
    for (let i = 0; i < xs.length; i += o.step) points.push([xs[i], cols.get(xs[i])![0] / cols.get(xs[i])![1]]);
    const last = xs[xs.length - 1];
    if (points[points.length - 1][0] !== last) points.push([last, cols.get(last)![0] / cols.get(last)![1]]);
    out.push({ label, points });
  }
  return out;
}

/**
 * A faint stretch of a predicted baseline splits it into pieces: pieces whose facing ends
 * are close (a short horizontal gap, little vertical step) are one baseline. Greedy, left
 * to right, each piece joining the nearest open baseline at most.
 */
type Piece = { label: number; points: Point[]; region: RegionClass };

function mergePieces(
  pieces: Piece[],
  gap: number,
  o: PostOptions = DEFAULT_POST,
  inkAt: ((points: Point[], x: number) => boolean) | null = null,
): Array<{ labels: number[]; points: Point[]; region: RegionClass }> {
  const sorted = [...pieces].sort((a, b) => a.points[0][0] - b.points[0][0]);
  const lines: Array<{ labels: number[]; points: Point[]; region: RegionClass }> = [];
  for (const piece of sorted) {
    const [sx, sy] = piece.points[0];
    let best = -1;
    let bestCost = Infinity;
    lines.forEach((line, i) => {
      // A marginal note written level with a line of the main text is not part of it.
      if (line.region !== piece.region) return;
      const [ex, ey] = line.points[line.points.length - 1];
      const dx = sx - ex;
      const dy = Math.abs(sy - ey);
      if (dx < -0.5 * gap || dx > o.joinGapSpacings * gap || dy > o.joinRiseSpacings * gap) return;
      if (inkAt && dx > 0 && blankAcross(line.points, piece.points, inkAt) >= o.joinInkGapSpacings * gap) return;
      const cost = Math.max(0, dx) + 3 * dy;
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    });
    if (best < 0) lines.push({ labels: [piece.label], points: [...piece.points], region: piece.region });
    else {
      const line = lines[best];
      line.labels.push(piece.label);
      // Overlapping ends: the joined piece continues where the line stops.
      const end = line.points[line.points.length - 1][0];
      line.points.push(...piece.points.filter(([x]) => x > end));
    }
  }
  return lines.filter((l) => l.points.length >= 2);
}

/**
 * A short baseline inside the body of a longer line (an ascender's loop, a descender, an
 * accent the network half took for a baseline) is not a line of its own. Isolated short
 * lines (a page number, a word in the margin) are kept.
 */
function dropNested<T extends { points: Point[] }>(lines: T[], gap: number): T[] {
  const length = (l: T) => l.points[l.points.length - 1][0] - l.points[0][0];
  const byLength = [...lines].sort((a, b) => length(b) - length(a));
  const kept: T[] = [];
  for (const line of byLength) {
    const x0 = line.points[0][0];
    const x1 = line.points[line.points.length - 1][0];
    const y = line.points.reduce((s, p) => s + p[1], 0) / line.points.length;
    const nested = kept.some((k) => {
      if (x0 < k.points[0][0] - 0.25 * gap || x1 > k.points[k.points.length - 1][0] + 0.25 * gap) return false;
      const dy = y - yAt(k.points, (x0 + x1) / 2);
      return dy > -0.6 * gap && dy < 0.45 * gap;
    });
    if (!nested) kept.push(line);
  }
  return lines.filter((l) => kept.includes(l));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : 0;
}

/** Median vertical gap between each baseline and the nearest one above or below it that overlaps it horizontally. */
function spacing(lines: Point[][]): number {
  const gaps: number[] = [];
  const span = (l: Point[]) => [l[0][0], l[l.length - 1][0], l.reduce((s, p) => s + p[1], 0) / l.length];
  for (const a of lines) {
    const [a0, a1, ay] = span(a);
    let best = Infinity;
    for (const b of lines) {
      if (b === a) continue;
      const [b0, b1, by] = span(b);
      if (b0 < a1 && a0 < b1 && Math.abs(by - ay) > 1) best = Math.min(best, Math.abs(by - ay));
    }
    if (Number.isFinite(best)) gaps.push(best);
  }
  return gaps.length ? median(gaps) : 20;
}

/** Lines and regions in the maps' pixels, and the page's line spacing there (median gap between neighbouring baselines). */
export function postProcess(
  maps: SegMaps,
  options: Partial<PostOptions> = {},
): { lines: PostLine[]; regions: PostRegion[]; spacing: number } {
  const o = { ...DEFAULT_POST, ...options };
  const { width, height } = maps;
  const { labels, count } = components(maps.baseline, width, height, o.baselineThreshold);
  const pieces = baselines(labels, count, width, maps.baseline, o).map((p) => ({ ...p, region: classify(maps, p.points) }));
  // Line spacing from the long pieces only: short fragments between lines would halve it.
  const lengthOf = (points: Point[]) => points[points.length - 1][0] - points[0][0];
  const lengths = pieces.map((p) => lengthOf(p.points)).sort((a, b) => a - b);
  const long = lengths.length ? 0.3 * lengths[Math.floor(0.9 * (lengths.length - 1))] : 0;
  const gap = spacing(pieces.filter((p) => lengthOf(p.points) >= long).map((p) => p.points));
  // The line body just above the baseline (a third of a spacing): where the line map is
  // (nearly) empty there over a stretch, the baseline crosses a gap between two lines (table cells).
  const body = (x: number, y: number) => {
    const zone = Math.max(1, Math.round(gap / 3));
    let n = 0;
    for (let d = 1; d <= zone; d++) {
      const yy = Math.round(y) - d;
      if (yy >= 0 && maps.line[yy * width + Math.round(x)] >= o.lineThreshold) n++;
    }
    return n > o.splitBodyShare * zone;
  };
  const inkAt = maps.image && o.joinInkGapSpacings > 0 ? inkReader(pieces, maps.image, gap, o.inkShare) : null;
  const cut = mergePieces(pieces, gap, o, inkAt).flatMap((m) =>
    o.splitGapSpacings > 0 ? splitAtGaps(m.points, body, o.splitGapSpacings * gap).map((points) => ({ ...m, points })) : [m],
  );
  const merged = maps.image ? splitAtGutters(cut, maps.image, gap, o) : cut;
  const found = dropNested(
    merged.filter((f) => f.points[f.points.length - 1][0] - f.points[0][0] >= Math.max(o.minLength, o.minLengthSpacings * gap)),
    gap,
  );
  // Baseline pixels of the found lines (a label may belong to several pieces of a line cut in two).
  const lineOf = new Set<number>(found.flatMap((f) => f.labels));
  const drawn: PostLine[] = found.map(({ points: full, region, labels: own }) => {
    const points = trimEnds(full, o.endTrimSpacings * gap);
    // How far the line reaches above and below its baseline, column by column, through the
    // line map; stopped by another line's baseline and by a line spacing (ascenders of the
    // line below never belong to this one).
    const reach = (x: number, y: number, dir: -1 | 1, limit: number) => {
      let d = 1;
      for (; d <= limit; d++) {
        const yy = Math.round(y + dir * d);
        if (yy < 0 || yy >= height) break;
        const k = yy * width + Math.round(x);
        if (maps.line[k] < o.lineThreshold && d > 1) break;
        if (labels[k] && lineOf.has(labels[k]) && !own.includes(labels[k])) break;
      }
      return d - 1;
    };
    const ups = points.map(([x, y]) => reach(x, y, -1, Math.ceil(gap * o.upSpacings)));
    const downs = points.map(([x, y]) => reach(x, y, 1, Math.ceil(gap * o.downSpacings)));
    // Column by column reaches follow the ink but are noisy: held near the line's median.
    const mu = Math.max(2, median(ups));
    const md = Math.max(1, median(downs));
    const held = (r: number, m: number) => Math.min(Math.max(r, o.reachLow * m), o.reachHigh * m);
    const top = points.map(([x, y], i): Point => [x, Math.max(0, y - o.upScale * held(ups[i], mu))]);
    const bottom = points.map(([x, y], i): Point => [x, Math.min(height, y + held(downs[i], md))]);
    const polygon = [...top, ...bottom.reverse()];
    return { baseline: full, polygon, region };
  });
  // Lines are dropped only once drawn, so that their baselines still bounded their
  // neighbours' reach, and once grouped, so that notes beside the main block are margins:
  // weak short lines (never a margin: short notes are often faint), and with
  // edgeFragmentShare fragments at the scan's edge.
  const grouped = groupRegions(drawn, gap, o.direction);
  const weak = (l: PostLine) =>
    l.region !== 'margin' &&
    l.baseline[l.baseline.length - 1][0] - l.baseline[0][0] < o.weakLengthSpacings * gap &&
    meanAlong(maps.baseline, width, height, l.baseline) < o.weakBaselineMean;
  const drop = new Set(drawn.flatMap((l, i) => (weak(l) ? [i] : [])));
  if (o.edgeFragmentShare > 0) for (const i of edgeFragments(drawn, grouped, width, o.edgeFragmentShare, o.edgeFragmentLength)) drop.add(i);
  if (drop.size === 0) return { lines: drawn, regions: grouped, spacing: gap };
  const lines = drawn.filter((_, i) => !drop.has(i));
  return { lines, regions: groupRegions(lines, gap, o.direction), spacing: gap };
}

/** The mean of a map at a polyline's points. */
export function meanAlong(map: Float32Array, width: number, height: number, points: Point[]): number {
  let sum = 0;
  for (const [x, y] of points)
    sum += map[Math.min(height - 1, Math.max(0, Math.round(y))) * width + Math.min(width - 1, Math.max(0, Math.round(x)))];
  return points.length ? sum / points.length : 0;
}

/** The class whose map is strongest along the baseline: margin, main, else other. */
function classify(maps: SegMaps, points: Point[]): RegionClass {
  let main = 0;
  let margin = 0;
  for (const [x, y] of points) {
    const k = Math.min(maps.height - 1, Math.round(y)) * maps.width + Math.min(maps.width - 1, Math.round(x));
    main += maps.main[k];
    margin += maps.margin[k];
  }
  main /= points.length;
  margin /= points.length;
  if (margin > 0.5 && margin > main) return 'margin';
  return main > 0.5 ? 'main' : 'other';
}
