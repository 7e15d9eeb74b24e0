// Cutting found baselines at a gutter: the blank strip between the two pages of an opened
// book, or between two columns of text or of a table. The network's baseline and line maps
// often run straight across such a strip (on the dev tuning pages the line map still reads
// ~0.8 there), so the baseline of a line of the left column and that of the right one become
// one found line. The page's ink shows the strip plainly, but a gap in one line's ink is no
// evidence alone: a word gap or a sentence's end looks the same (cutting wherever a line's ink
// stops for 0.7–2 spacings was tried and dropped). A gutter is a gap that the lines above and
// below share: so a line is cut at a gap in its ink only where most of the neighbouring lines
// that run across the same columns have no ink there either. The same reading of the ink
// keeps seg-post.ts from joining two baseline pieces across a wide blank (blankAcross).
// Pure code on arrays, in the maps' pixels (seg-post.ts calls it).
import type { Point } from '../io/layout.ts';
import type { GrayImage } from '../ml/line-image.ts';
import { splitAtGaps, yAt } from './seg-polyline.ts';

export interface GutterOptions {
  /** A gap in a line's ink is a candidate when at least this many line spacings wide (0: never cut). */
  gutterGapSpacings: number;
  /** It is a gutter when at least this share of the neighbouring lines across its middle have no ink there… */
  gutterShare: number;
  /** …and at least this many of them. */
  gutterLines: number;
  /** Neighbours: lines whose baseline lies within this many spacings above or below, at the gap. */
  gutterReachSpacings: number;
  /** A neighbour has no ink there when none over the middle of the gap, this many spacings wide (at most the gap's width). */
  gutterWindowSpacings: number;
  /** Pixels darker than the paper by this share of the page's contrast (paper to darkest strokes, in the lines' bodies) are ink. */
  inkShare: number;
}

// Chosen on the tuning sets (docs/results/segmentation.md, "Merged lines: gutters and joins"):
// with a gap of 0.3 and a share of 0.75 the rule cut word gaps of table registers and of
// dense prose where faint ink left a few neighbours blank (dev precision 0.794 → 0.648); asking
// every neighbour across (at least three) to be blank over 0.4 spacings keeps it to gutters.
export const DEFAULT_GUTTER: GutterOptions = {
  gutterGapSpacings: 0.4,
  gutterShare: 1,
  gutterLines: 3,
  gutterReachSpacings: 4,
  gutterWindowSpacings: 0.4,
  inkShare: 0.35,
};

function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
}

/**
 * Whether a line has ink in its body (from just above the baseline up to a little under half
 * a spacing) at a column: dark pixels, by a threshold from the lines' own bodies (paper: their
 * 80th percentile; strokes: their 3rd). Null for a page without contrast in its lines.
 */
export function inkReader(
  lines: Array<{ points: Point[] }>,
  page: GrayImage,
  gap: number,
  inkShare: number,
): ((points: Point[], x: number) => boolean) | null {
  const { width, height, data } = page;
  const zone = Math.max(2, Math.round(0.45 * gap));
  const sample: number[] = [];
  for (const l of lines) {
    if (l.points.length === 0) continue;
    for (let x = Math.max(0, Math.ceil(l.points[0][0])); x <= Math.min(width - 1, l.points[l.points.length - 1][0]); x += 3) {
      const y = Math.round(yAt(l.points, x));
      for (let d = 1; d <= zone; d += 2) if (y - d >= 0 && y - d < height) sample.push(data[(y - d) * width + x]);
    }
  }
  const paper = percentile(sample, 0.8);
  const dark = percentile(sample, 0.03);
  if (paper - dark < 20) return null;
  const threshold = paper - inkShare * (paper - dark);
  return (points, x) => {
    const y = Math.round(yAt(points, x));
    if (x < 0 || x >= width) return false;
    for (let d = 1; d <= zone; d++) if (y - d >= 0 && y - d < height && data[(y - d) * width + x] < threshold) return true;
    return false;
  };
}

/**
 * Each line cut wherever a gap in its ink at least `gutterGapSpacings` wide is shared by
 * its neighbours (see above); pieces keep the line's other fields. `page` is the page at the
 * maps' size (0 black, 255 paper); `gap` the line spacing in its pixels.
 */
export function splitAtGutters<T extends { points: Point[] }>(lines: T[], page: GrayImage, gap: number, o: GutterOptions): T[] {
  if (o.gutterGapSpacings <= 0 || lines.length < 2) return lines;
  // A baseline without points (hand-edited input) spans no column: never a neighbour, never cut.
  const spans = lines.map((l) =>
    l.points.length ? [Math.ceil(l.points[0][0]), Math.floor(l.points[l.points.length - 1][0])] : [Infinity, -Infinity],
  );
  const reader = inkReader(lines, page, gap, o.inkShare);
  // A page without contrast in its lines (blank) has no gutters to see.
  if (!reader) return lines;
  const inkAt: (points: Point[], x: number) => boolean = reader;
  const minGap = Math.max(2, o.gutterGapSpacings * gap);
  return lines.flatMap((line, i) => {
    if (line.points.length === 0) return [line];
    const [x0, x1] = spans[i];
    // Gaps in this line's ink strictly inside it (ink on both sides).
    const cuts: Array<[number, number]> = [];
    let run = -1;
    let seenInk = false;
    for (let x = x0; x <= x1; x++) {
      if (!inkAt(line.points, x)) {
        if (run < 0 && seenInk) run = x;
        continue;
      }
      if (run >= 0 && x - run >= minGap && shared(i, run, x - 1)) cuts.push([run, x - 1]);
      run = -1;
      seenInk = true;
    }
    if (cuts.length === 0) return [line];
    const inCut = (x: number) => cuts.some(([a, b]) => x >= a && x <= b);
    return splitAtGaps(line.points, (x) => !inCut(x), 1).map((points) => ({ ...line, points }));
  });

  /** Do most neighbours of line i that run across the middle of its gap from column a to b have no ink there? */
  function shared(i: number, a: number, b: number): boolean {
    const c = Math.round((a + b) / 2);
    const half = Math.max(1, Math.round(Math.min(b - a, o.gutterWindowSpacings * gap) / 2));
    const y = yAt(lines[i].points, c);
    let across = 0;
    let blank = 0;
    lines.forEach((other, j) => {
      if (j === i || spans[j][0] > c - half || spans[j][1] < c + half) return;
      if (Math.abs(yAt(other.points, c) - y) > o.gutterReachSpacings * gap) return;
      across++;
      let ink = false;
      for (let x = c - half; x <= c + half && !ink; x++) ink = inkAt(other.points, x);
      if (!ink) blank++;
    });
    return blank >= o.gutterLines && blank >= o.gutterShare * across;
  }
}

/**
 * How wide the blank stretch is (columns without ink in the line's body) around the middle of
 * the gap between a line's right end and a piece starting to its right; 0 when ink lies there.
 */
export function blankAcross(line: Point[], piece: Point[], inkAt: (points: Point[], x: number) => boolean): number {
  const bridge = [...line, ...piece];
  const middle = Math.round((line[line.length - 1][0] + piece[0][0]) / 2);
  if (inkAt(bridge, middle)) return 0;
  let left = middle;
  while (left > bridge[0][0] && !inkAt(bridge, left - 1)) left--;
  let right = middle;
  while (right < bridge[bridge.length - 1][0] && !inkAt(bridge, right + 1)) right++;
  return right - left + 1;
}
