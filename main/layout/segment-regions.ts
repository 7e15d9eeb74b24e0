// The regions of a page when it is segmented again. A found region that overlaps an old one
// (IoU ≥ 0.5, best pairs first) is that region: it keeps its id, type and exclusion (what a
// person set stays) and takes the new outline. Old regions found again nowhere go, unless a
// kept (transcribed) line belongs to them or a person excluded them from transcription: those
// stay as they are. Found regions that match none are added. Reading order: the found
// regions in the segmenter's order, a region that stayed before the first found one below it.
import type { Point } from '../io/layout.ts';
import type { Project } from '../project/project.ts';
import type { FoundLayout } from './found-layout.ts';
import { polygonIoU } from './line-metrics.ts';
import { deleteRegionRow, insertRegions, regionOutlines, renumberRegions, setRegionPolygon } from '../db/regions.ts';
import { readingOrder } from './reading-order.ts';

const SAME_REGION_IOU = 0.5;

export interface PlacedRegions {
  /** The region id each found region became, by its index. */
  idOf: number[];
  /** Every region of the page afterwards, in reading order. */
  all: Array<{ id: number; polygon: Point[] }>;
}

export function placeRegions(
  project: Project,
  pageId: number,
  found: FoundLayout['regions'],
  keptLines: Array<{ regionId: number | null }>,
): PlacedRegions {
  const db = project.db;
  const old = regionOutlines(db, pageId);
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
  const stay = old.filter((o, j) => !taken.has(j) && (holding.has(o.id) || o.excluded));
  for (const o of old.filter((r, j) => !taken.has(j) && !stay.includes(r))) deleteRegionRow(db, o.id);
  const idOf = found.map((f, i) => {
    const j = matchOf.get(i);
    if (j === undefined) return insertRegions(db, pageId, [f])[0];
    setRegionPolygon(db, old[j].id, f.polygon);
    return old[j].id;
  });
  const all = readingOrder(
    stay.map(({ id, polygon }) => ({ id, polygon })),
    found.map((f, i) => ({ id: idOf[i], polygon: f.polygon })),
    true,
  );
  renumberRegions(
    db,
    all.map((r) => r.id),
  );
  return { idOf, all };
}
