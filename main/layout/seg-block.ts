// Lines the segmentation post-processing (seg-post.ts) finds around the page's main text
// block that belong to no page of the scan's subject: a photographed book shows the edge of
// its facing page, a bound letter the sheets beneath it, and the network reads their words
// as short lines at the scan's left or right edge. Pure code on the found lines and regions.
import type { Point } from '../io/layout.ts';
import type { RegionClass } from '../io/region-class.ts';

type Line = { polygon: Point[]; region: RegionClass };
type Region = { region: RegionClass; polygon: Point[]; lines: number[] };

const xRange = (points: Point[]): [number, number] => [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];

/**
 * Indexes of the lines that are fragments at the scan's edge: not main text, wholly beside
 * the main block (the main-text region with the most lines), shorter than `length` times its
 * width, and reaching within `edge` times the page's width of its left or right side.
 */
export function edgeFragments(lines: Line[], regions: Region[], width: number, edge: number, length: number): Set<number> {
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
