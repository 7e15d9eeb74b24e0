// The reading order of lines (or regions) when segmentation adds new ones beside ones it
// keeps: pure, on polygons.
import type { Point } from '../io/layout.ts';
import { verticalCentre } from './line-edits.ts';

export type Placed = { id: number; polygon: Point[] };

/**
 * Reading order of kept and new lines. Without an order from the segmenter: top to bottom by
 * vertical centre. With one (a trained model's, region by region): the new lines keep it,
 * and each kept line goes before the first new line that lies below it in the same column.
 */
export function readingOrder<T extends Placed>(kept: T[], added: T[], ordered: boolean): T[] {
  if (!ordered) return [...kept, ...added].sort((a, b) => verticalCentre(a.polygon) - verticalCentre(b.polygon));
  const span = (p: Point[]) => [Math.min(...p.map((q) => q[0])), Math.max(...p.map((q) => q[0]))];
  const out = [...added];
  for (const k of [...kept].sort((a, b) => verticalCentre(a.polygon) - verticalCentre(b.polygon))) {
    const [k0, k1] = span(k.polygon);
    const at = out.findIndex((n) => {
      const [n0, n1] = span(n.polygon);
      return n0 < k1 && k0 < n1 && verticalCentre(n.polygon) > verticalCentre(k.polygon);
    });
    out.splice(at < 0 ? out.length : at, 0, k);
  }
  return out;
}
