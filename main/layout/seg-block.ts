// The segmentation post-processing's (seg-post.ts) view of the page's layout: lines of one
// class that sit together form a region, in reading order; the main text block is the
// main-text region with the most lines, and what sits beside it is a margin, or, at the
// scan's edge, the words of a facing page or of sheets beneath a bound letter (which the
// network reads as short lines). Pure code on the found lines and regions.
import type { Point } from '../io/layout.ts';
import type { RegionClass } from '../io/region-class.ts';

export interface PostLine {
  baseline: Point[];
  polygon: Point[];
  region: RegionClass;
}

/**
 * Which way the page's script runs: columns side by side are read from the left ('ltr') or,
 * in Hebrew, Arabic and other right-to-left scripts, from the right ('rtl').
 */
export type ReadingDirection = 'ltr' | 'rtl';

export interface PostRegion {
  region: RegionClass;
  polygon: Point[];
  /** Indexes into `lines`, in reading order. */
  lines: number[];
}

const xRange = (points: Point[]): [number, number] => [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];

/**
 * Indexes of the lines that are fragments at the scan's edge: not main text, wholly beside
 * the main block (the main-text region with the most lines), shorter than `length` times its
 * width, and reaching within `edge` times the page's width of its left or right side.
 */
export function edgeFragments(
  lines: Array<Pick<PostLine, 'polygon' | 'region'>>,
  regions: PostRegion[],
  width: number,
  edge: number,
  length: number,
): Set<number> {
  const mains = regions.filter((r) => r.region === 'main');
  const out = new Set<number>();
  if (mains.length === 0) return out;
  const block = mains.reduce((a, b) => (b.lines.length > a.lines.length ? b : a));
  const [b0, b1] = xRange(block.polygon);
  lines.forEach((line, i) => {
    if (line.region === 'main') return;
    const [x0, x1] = xRange(line.polygon);
    const beside = x1 <= b0 || x0 >= b1;
    const short = x1 - x0 < length * (b1 - b0);
    const atEdge = Math.min(x0, width - x1) <= edge * width;
    if (beside && short && atEdge) out.add(i);
  });
  return out;
}

type Box = { x0: number; y0: number; x1: number; y1: number };
const boxOf = (points: Point[]): Box => ({
  x0: Math.min(...points.map((p) => p[0])),
  y0: Math.min(...points.map((p) => p[1])),
  x1: Math.max(...points.map((p) => p[0])),
  y1: Math.max(...points.map((p) => p[1])),
});

/**
 * Lines of one class whose boxes overlap horizontally and lie within two line spacings
 * vertically form one region; the regions in reading order for a script running `direction`.
 */
export function groupRegions(lines: PostLine[], gap: number, direction: ReadingDirection = 'ltr'): PostRegion[] {
  const rtl = direction === 'rtl';
  const parent = lines.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const boxes = lines.map((l) => boxOf(l.polygon));
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[i].region !== lines[j].region) continue;
      const a = boxes[i];
      const b = boxes[j];
      const vertical = Math.max(a.y0, b.y0) - Math.min(a.y1, b.y1);
      if (a.x0 < b.x1 && b.x0 < a.x1 && vertical < 2 * gap) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  lines.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  const centreY = (i: number) => lines[i].baseline.reduce((s, p) => s + p[1], 0) / lines[i].baseline.length;
  const regions = [...groups.values()].map((members) => {
    // Lines at one height: the one the script reaches first.
    members.sort((a, b) => centreY(a) - centreY(b) || (rtl ? boxes[b].x1 - boxes[a].x1 : boxes[a].x0 - boxes[b].x0));
    const b = boxOf(members.flatMap((i) => lines[i].polygon));
    const polygon: Point[] = [
      [b.x0, b.y0],
      [b.x1, b.y0],
      [b.x1, b.y1],
      [b.x0, b.y1],
    ];
    return { region: lines[members[0]].region, polygon, lines: members, top: b.y0, left: b.x0, right: b.x1 };
  });
  besideMainBlock(regions, lines);
  regions.sort((a, b) => a.top - b.top || (rtl ? b.right - a.right : a.left - b.left));
  return columnsInOrder(regions, rtl).map(({ region, polygon, lines: members }) => ({ region, polygon, lines: members }));
}

/**
 * Regions sorted by their tops, except that a column of main text is read after the main-text
 * columns beside it on the side the script starts from (overlapping it vertically, not
 * horizontally), the left or with `rtl` the right: by tops alone, a right column starting a
 * pixel higher than the left one was read first. "Before" is acyclic (each such region
 * starts further towards that side), so a region can always be taken next.
 */
function columnsInOrder<R extends { region: RegionClass; polygon: Point[] }>(sorted: R[], rtl: boolean): R[] {
  const boxes = new Map(sorted.map((r) => [r, boxOf(r.polygon)]));
  const before = (q: R, r: R) => {
    const a = boxes.get(q)!;
    const b = boxes.get(r)!;
    const beside = rtl ? b.x1 <= a.x0 : a.x1 <= b.x0;
    return q.region === 'main' && r.region === 'main' && beside && a.y0 < b.y1 && b.y0 < a.y1;
  };
  const rest = [...sorted];
  const out: R[] = [];
  while (rest.length) {
    const at = rest.findIndex((r) => !rest.some((q) => before(q, r)));
    out.push(...rest.splice(at, 1));
  }
  return out;
}

/**
 * Marginal notes by their place: the network's margin map is weak on pages unlike its
 * training pages, and calls a column of short notes beside the text "main". The main block
 * is the main-text region with the most lines; another main-text region that sits beside it
 * (overlapping it vertically, not horizontally) and is under half its width is a margin.
 */
function besideMainBlock(regions: Array<{ region: RegionClass; polygon: Point[]; lines: number[] }>, lines: PostLine[]): void {
  const mains = regions.filter((r) => r.region === 'main');
  if (mains.length < 2) return;
  const block = mains.reduce((a, b) => (b.lines.length > a.lines.length ? b : a));
  const B = boxOf(block.polygon);
  for (const r of mains) {
    if (r === block) continue;
    const b = boxOf(r.polygon);
    const beside = b.x1 <= B.x0 || b.x0 >= B.x1;
    const alongside = b.y0 < B.y1 && B.y0 < b.y1;
    if (!beside || !alongside || b.x1 - b.x0 >= 0.5 * (B.x1 - B.x0)) continue;
    r.region = 'margin';
    for (const i of r.lines) lines[i].region = 'margin';
  }
}
