// A page's text regions in the project: writing them (segmentation, imports, drawn by hand),
// their type and exclusion from transcription, their reading order and their lines'. The
// page's line order runs region by region (regions in their order, each region's lines in
// theirs); lines in no region keep their places between them. The edits are store-neutral
// programs (main/db/ops.ts, `regionEdits`), each one transaction, run on a project folder
// by the functions of a Project below and on the server store by the team server.
import type { RegionType } from '../../shared/region-types.ts';
import type { Db } from '../db/database.ts';
import { perform } from '../db/execute.ts';
import { lines } from '../db/lines.ts';
import { step, transaction, type Program, type Runner } from '../db/ops.ts';
import { pages } from '../db/pages.ts';
import { regions } from '../db/regions.ts';
import { boundingBox, type Point } from '../io/layout.ts';
import type { Project } from '../project/project.ts';
import { checkInside, contains } from './polygon.ts';

export { insertRegions, type NewRegion } from '../db/regions.ts';

function* region(regionId: number) {
  const row = yield* step(regions.regionRow(regionId));
  if (!row) throw new Error(`no region ${regionId}`);
  return row;
}

/** A region's page and outline, on either store. */
export async function regionPolygon(run: Runner, regionId: number): Promise<{ pageId: number; polygon: Point[] }> {
  const row = await run(region(regionId));
  return { pageId: row.page_id, polygon: JSON.parse(row.polygon) as Point[] };
}

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
function* orderLinesByRegionOp(pageId: number): Program<void> {
  const members = new Map<number, number[]>();
  // Slots: a line in no region, or the place of a region (where its first line was).
  const slots: Array<number | 'region'> = [];
  for (const l of yield* step(lines.pageLineShapes(pageId))) {
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
  const ordered = (yield* step(regions.regionIds(pageId))).filter((id) => members.has(id));
  let next = 0;
  const order = slots.flatMap((s) => (s === 'region' ? members.get(ordered[next++])! : [s]));
  yield* step(lines.setLineOrders(order.map((id, i) => ({ id, order: i }))));
}

/** Changes a region's type (the source's name for the old type no longer applies) or its exclusion from transcription. */
function* updateRegionOp(regionId: number, change: { type?: RegionType; excluded?: boolean }): Program<void> {
  yield* region(regionId);
  yield* step(
    transaction(function* () {
      if (change.type !== undefined) yield* step(regions.setRegionType(regionId, change.type));
      if (change.excluded !== undefined) yield* step(regions.setRegionExcluded(regionId, change.excluded));
    }),
  );
}

/** A region drawn by hand: it goes last in the page's order and takes the lines whose centre it holds. */
function* addRegionOp(pageId: number, polygon: Point[], type: RegionType): Program<number> {
  const page = yield* step(pages.pageSize(pageId));
  if (!page) throw new Error(`no page ${pageId}`);
  checkInside('new region', page, polygon);
  return yield* step(
    transaction(function* () {
      const [id] = yield* step(regions.insertRegions(pageId, [{ type, polygon }], (yield* step(regions.regionIds(pageId))).length));
      for (const l of yield* step(lines.pageLineShapes(pageId)))
        if (regionHolding([{ polygon }], JSON.parse(l.polygon))) yield* step(lines.setLineRegion(l.id, id));
      yield* orderLinesByRegionOp(pageId);
      return id;
    }),
  );
}

/** Removes a region; its lines stay on the page, in no region. */
function* deleteRegionOp(regionId: number): Program<void> {
  const row = yield* region(regionId);
  yield* step(
    transaction(function* () {
      yield* step(regions.deleteRegionRow(regionId));
      yield* step(regions.renumberRegions(yield* step(regions.regionIds(row.page_id))));
      yield* orderLinesByRegionOp(row.page_id);
    }),
  );
}

/** Moves a region to position `order` (0-based) among the page's regions; its lines move with it. */
function* moveRegionOp(regionId: number, order: number): Program<void> {
  const row = yield* region(regionId);
  const ids = (yield* step(regions.regionIds(row.page_id))).filter((id) => id !== regionId);
  ids.splice(Math.max(0, Math.min(ids.length, order)), 0, regionId);
  yield* step(
    transaction(function* () {
      yield* step(regions.renumberRegions(ids));
      yield* orderLinesByRegionOp(row.page_id);
    }),
  );
}

/** Puts a region's lines in reading order top to bottom (by their centres), in the region's place on the page. */
function* sortRegionLinesOp(regionId: number): Program<void> {
  const row = yield* region(regionId);
  const members = yield* step(lines.regionLines(regionId));
  const slots = members.map((l) => l.reading_order);
  const sorted = [...members].sort((a, b) => centreOf(JSON.parse(a.polygon))[1] - centreOf(JSON.parse(b.polygon))[1]);
  yield* step(
    transaction(function* () {
      yield* step(lines.setLineOrders(sorted.map((l, i) => ({ id: l.id, order: slots[i] }))));
      yield* orderLinesByRegionOp(row.page_id);
    }),
  );
}

/** The region edits' programs, for either store. */
export const regionEdits = {
  orderLinesByRegion: orderLinesByRegionOp,
  updateRegion: updateRegionOp,
  addRegion: addRegionOp,
  deleteRegion: deleteRegionOp,
  moveRegion: moveRegionOp,
  sortRegionLines: sortRegionLinesOp,
};

export const orderLinesByRegion = (db: Db, pageId: number): void => perform(db, orderLinesByRegionOp(pageId));

export const updateRegion = (project: Project, regionId: number, change: { type?: RegionType; excluded?: boolean }): void =>
  perform(project.db, updateRegionOp(regionId, change));

export const addRegion = (project: Project, pageId: number, polygon: Point[], type: RegionType): number =>
  perform(project.db, addRegionOp(pageId, polygon, type));

export const deleteRegion = (project: Project, regionId: number): void => perform(project.db, deleteRegionOp(regionId));

export const moveRegion = (project: Project, regionId: number, order: number): void => perform(project.db, moveRegionOp(regionId, order));

export const sortRegionLines = (project: Project, regionId: number): void => perform(project.db, sortRegionLinesOp(regionId));
