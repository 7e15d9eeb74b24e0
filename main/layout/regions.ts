// A page's text regions in the project: writing them (segmentation, imports, drawn by hand),
// their type and exclusion from transcription, their reading order and their lines'. The
// page's line order runs region by region (regions in their order, each region's lines in
// theirs); lines in no region keep their places between them.
import type { RegionType } from '../../shared/region-types.ts';
import type { Db } from '../db/database.ts';
import { transaction } from '../db/execute.ts';
import { pageLineShapes, regionLines, setLineOrders, setLineRegion } from '../db/lines.ts';
import { pageExists } from '../db/pages.ts';
import { deleteRegionRow, insertRegions, regionIds, regionRow, renumberRegions, setRegionExcluded, setRegionType } from '../db/regions.ts';
import { boundingBox, type Point } from '../io/layout.ts';
import type { Project } from '../project/project.ts';
import { contains } from './polygon.ts';

export { insertRegions, type NewRegion } from '../db/regions.ts';

function region(project: Project, regionId: number) {
  const row = regionRow(project.db, regionId);
  if (!row) throw new Error(`no region ${regionId}`);
  return row;
}

export const regionPolygon = (project: Project, regionId: number): { pageId: number; polygon: Point[] } => {
  const row = region(project, regionId);
  return { pageId: row.page_id, polygon: JSON.parse(row.polygon) as Point[] };
};

/** The centre of a line's box: which region holds a line is decided by it. */
export const centreOf = (polygon: Point[]): Point => {
  const b = boundingBox(polygon);
  return [b.x + b.w / 2, b.y + b.h / 2];
};

/** The first of `regions` (in reading order) whose polygon holds the line's centre, or null. */
export function regionHolding<R extends { polygon: Point[] }>(regions: R[], line: Point[]): R | null {
  const [x, y] = centreOf(line);
  return regions.find((r) => contains(r.polygon, x, y)) ?? null;
}

/**
 * Puts the page's lines in order region by region: each region's lines together, the regions
 * in their own order, each region's lines keeping theirs. A line in no region keeps its
 * place among them (a heading drawn above the text block stays first).
 */
export function orderLinesByRegion(db: Db, pageId: number): void {
  const lines = pageLineShapes(db, pageId);
  const members = new Map<number, number[]>();
  // Slots: a line in no region, or the place of a region (where its first line was).
  const slots: Array<number | 'region'> = [];
  for (const l of lines) {
    if (l.region_id === null) {
      slots.push(l.id);
      continue;
    }
    if (!members.has(l.region_id)) {
      members.set(l.region_id, []);
      slots.push('region');
    }
    members.get(l.region_id)!.push(l.id);
  }
  const regions = regionIds(db, pageId).filter((id) => members.has(id));
  let next = 0;
  const order = slots.flatMap((s) => (s === 'region' ? members.get(regions[next++])! : [s]));
  setLineOrders(
    db,
    order.map((id, i) => ({ id, order: i })),
  );
}

/** Changes a region's type (the source's name for the old type no longer applies) or its exclusion from transcription. */
export function updateRegion(project: Project, regionId: number, change: { type?: RegionType; excluded?: boolean }): void {
  region(project, regionId);
  transaction(project.db, () => {
    if (change.type !== undefined) setRegionType(project.db, regionId, change.type);
    if (change.excluded !== undefined) setRegionExcluded(project.db, regionId, change.excluded);
  });
}

/** A region drawn by hand: it goes last in the page's order and takes the lines whose centre it holds. */
export function addRegion(project: Project, pageId: number, polygon: Point[], type: RegionType): number {
  const db = project.db;
  if (!pageExists(db, pageId)) throw new Error(`no page ${pageId}`);
  return transaction(db, () => {
    const [id] = insertRegions(db, pageId, [{ type, polygon }], regionIds(db, pageId).length);
    for (const l of pageLineShapes(db, pageId)) if (regionHolding([{ polygon }], JSON.parse(l.polygon))) setLineRegion(db, l.id, id);
    orderLinesByRegion(db, pageId);
    return id;
  });
}

/** Removes a region; its lines stay on the page, in no region. */
export function deleteRegion(project: Project, regionId: number): void {
  const row = region(project, regionId);
  transaction(project.db, () => {
    deleteRegionRow(project.db, regionId);
    renumberRegions(project.db, regionIds(project.db, row.page_id));
    orderLinesByRegion(project.db, row.page_id);
  });
}

/** Moves a region to position `order` (0-based) among the page's regions; its lines move with it. */
export function moveRegion(project: Project, regionId: number, order: number): void {
  const row = region(project, regionId);
  const ids = regionIds(project.db, row.page_id).filter((id) => id !== regionId);
  ids.splice(Math.max(0, Math.min(ids.length, order)), 0, regionId);
  transaction(project.db, () => {
    renumberRegions(project.db, ids);
    orderLinesByRegion(project.db, row.page_id);
  });
}

/** Puts a region's lines in reading order top to bottom (by their centres), in the region's place on the page. */
export function sortRegionLines(project: Project, regionId: number): void {
  const row = region(project, regionId);
  const lines = regionLines(project.db, regionId);
  const slots = lines.map((l) => l.reading_order);
  const sorted = [...lines].sort((a, b) => centreOf(JSON.parse(a.polygon))[1] - centreOf(JSON.parse(b.polygon))[1]);
  transaction(project.db, () => {
    setLineOrders(
      project.db,
      sorted.map((l, i) => ({ id: l.id, order: slots[i] })),
    );
    orderLinesByRegion(project.db, row.page_id);
  });
}
