// The reading order of lines (or regions) when segmentation adds new ones beside ones it
// keeps: pure, on polygons.
import type { Point } from '../io/layout.ts';
import { verticalCentre } from './line-edits.ts';

/** `region`: the region a line is in (null: none); left out, lines are placed whatever their region. */
export type Placed = { id: number; polygon: Point[]; region?: number | null };

/** Share of the narrower of two horizontal spans that must be shared for one line to be above the other in a column. */
const SAME_COLUMN = 0.5;

const span = (p: Point[]) => [Math.min(...p.map((q) => q[0])), Math.max(...p.map((q) => q[0]))];

function sameColumn(a: Point[], b: Point[]): boolean {
  const [a0, a1] = span(a);
  const [b0, b1] = span(b);
  return Math.min(a1, b1) - Math.max(a0, b0) >= SAME_COLUMN * Math.min(a1 - a0, b1 - b0);
}

/**
 * Reading order of kept and new lines. Without an order from the segmenter: top to bottom by
 * vertical centre. With one (a trained model's, region by region): the new lines keep it,
 * and each kept line goes before the first new line of its region that lies below it in the
 * same column (sharing at least half the narrower width: a margin note that grazes its
 * column is not in it), or after its region's last line when none does; a kept line whose
 * region has no new line goes before the first line below it in its column, or last.
 */
export function readingOrder<T extends Placed>(kept: T[], added: T[], ordered: boolean): T[] {
  if (!ordered) return [...kept, ...added].sort((a, b) => verticalCentre(a.polygon) - verticalCentre(b.polygon));
  const out = [...added];
  for (const k of [...kept].sort((a, b) => verticalCentre(a.polygon) - verticalCentre(b.polygon))) {
    const same = (n: T) => k.region === undefined || n.region === undefined || n.region === k.region;
    const hasRegionmates = out.some((n) => same(n));
    const candidate = (n: T) =>
      (!hasRegionmates || same(n)) && verticalCentre(n.polygon) > verticalCentre(k.polygon) && sameColumn(n.polygon, k.polygon);
    let at = out.findIndex(candidate);
    if (at < 0) at = hasRegionmates ? out.findLastIndex(same) + 1 : out.length;
    out.splice(at, 0, k);
  }
  return out;
}
