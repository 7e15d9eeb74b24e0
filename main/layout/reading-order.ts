// The reading order of lines (or regions) when segmentation adds new ones beside ones it
// keeps: pure, on polygons.
import { boundingBox, type Point } from '../io/layout.ts';

export const verticalCentre = (polygon: Point[]) => {
  const b = boundingBox(polygon);
  return b.y + b.h / 2;
};

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

/**
 * The page's line ids after moving one line to position `order` (0-based), keeping each
 * region's lines together as PAGE and ALTO export them (nested in their region): a line
 * in a region moves within its region's lines, and a line in no region moves between
 * regions, passing a whole region at a time. A move beyond those bounds stops at them.
 * `lines` is the page in reading order.
 */
export function moveLineInOrder(lines: ReadonlyArray<{ id: number; region: number | null }>, lineId: number, order: number): number[] {
  const from = lines.findIndex((l) => l.id === lineId);
  if (from < 0) throw new Error(`no line ${lineId} on the page`);
  const moving = lines[from];
  const rest = lines.filter((l) => l.id !== lineId);
  // Where the line may go in `rest`: within its region's run, or at a gap between runs.
  const allowed = [...Array(rest.length + 1).keys()].filter((at) => {
    const before = rest[at - 1]?.region ?? null;
    const after = rest[at]?.region ?? null;
    if (moving.region !== null) return before === moving.region || after === moving.region;
    return before === null || after === null || before !== after;
  });
  // The only line of its region has no place but its own (`allowed` is empty): without this
  // check it went to the top of the page whatever place was asked.
  if (allowed.length === 0) return lines.map((l) => l.id);
  const wanted = Math.max(0, Math.min(rest.length, order));
  // The allowed place nearest the one asked for without going past it: a line in no region
  // moved into a region's lines passes that region whole; one in a region asked beyond its
  // region's lines stops at their end.
  const up = wanted <= from;
  const to = up
    ? (allowed.filter((at) => at <= wanted).at(-1) ?? allowed[0])
    : (allowed.filter((at) => at >= wanted)[0] ?? allowed.at(-1)!);
  const ids = rest.map((l) => l.id);
  ids.splice(to, 0, lineId);
  return ids;
}
