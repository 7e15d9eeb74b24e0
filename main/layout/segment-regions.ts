// The regions of a page when it is segmented again. A found region that overlaps an old one
// (IoU ≥ 0.5, best pairs first) is that region: it keeps its id, type and exclusion (what a
// person set stays) and takes the new outline, unless a person drew it. Old regions found
// again nowhere go, unless a kept (transcribed) line belongs to them, a person excluded them
// from transcription, or a person drew, imported or retyped them: those stay as they are (and a found line whose centre lies in an excluded region joins it, so
// what a person excluded stays excluded however the segmenter groups it this time). Found
// regions that match none are added. Reading order: the found
// regions in the segmenter's order, a region that stayed before the first found one below it.
// A store-neutral program (main/db/ops.ts), part of segment-pages.ts's write of a page.
import type { Point } from '../io/layout.ts';
import { step, type Program } from '../db/ops.ts';
import { regions } from '../db/regions.ts';
import type { FoundLayout } from './found-layout.ts';
import { polygonIoU } from './line-metrics.ts';
import { readingOrder } from './reading-order.ts';

const SAME_REGION_IOU = 0.5;

export interface PlacedRegions {
  /** The region id each found region became, by its index. */
  idOf: number[];
  /** Every region of the page afterwards, in reading order. */
  all: Array<{ id: number; polygon: Point[] }>;
  /** Those of `all` a person excluded from transcription. */
  excluded: Array<{ id: number; polygon: Point[] }>;
}

export function* placeRegions(
  pageId: number,
  found: FoundLayout['regions'],
  keptLines: Array<{ regionId: number | null }>,
): Program<PlacedRegions> {
  const old = yield* step(regions.regionOutlines(pageId));
  const pairs = found
    .flatMap((f, i) => old.map((o, j) => ({ i, j, iou: polygonIoU(f.polygon, o.polygon) })))
    .filter((p) => p.iou >= SAME_REGION_IOU)
    .sort((a, b) => b.iou - a.iou);
  const matchOf = new Map<number, number>();
  const taken = new Set<number>();
  for (const p of pairs) {
    if (matchOf.has(p.i) || taken.has(p.j)) continue;
    matchOf.set(p.i, p.j);
    taken.add(p.j);
  }
  const holding = new Set(keptLines.map((l) => l.regionId));
  const stay = old.filter((o, j) => !taken.has(j) && (holding.has(o.id) || o.excluded || o.byHand));
  for (const o of old.filter((r, j) => !taken.has(j) && !stay.includes(r))) yield* step(regions.deleteRegionRow(o.id));
  const idOf: number[] = [];
  for (const [i, f] of found.entries()) {
    const j = matchOf.get(i);
    if (j === undefined) idOf.push((yield* step(regions.insertRegions(pageId, [{ ...f, byHand: false }])))[0]);
    else {
      // A person's outline stays; a segmenter's is replaced by the new one.
      if (!old[j].byHand) yield* step(regions.setRegionPolygon(old[j].id, f.polygon));
      idOf.push(old[j].id);
    }
  }
  const all = readingOrder(
    stay.map(({ id, polygon }) => ({ id, polygon })),
    found.map((f, i) => ({ id: idOf[i], polygon: f.polygon })),
    true,
  );
  yield* step(regions.renumberRegions(all.map((r) => r.id)));
  const excludedIds = new Set(old.filter((o) => o.excluded).map((o) => o.id));
  return { idOf, all, excluded: all.filter((r) => excludedIds.has(r.id)) };
}
