// Text regions of a page: their rows, type, exclusion from transcription and reading order.
import type { Point } from '../../shared/api.ts';
import type { RegionType } from '../../shared/region-types.ts';
import { all, first, qb, run, type Db } from './execute.ts';

export interface NewRegion {
  type: RegionType;
  /** The source's own name for the type, where it had one (SegmOnto's MarginTextZone…). */
  label?: string | null;
  polygon: Point[];
}

/** `firstOrder`: the reading order of the first region. Returns the new regions' ids. */
export function insertRegions(db: Db, pageId: number, regions: NewRegion[], firstOrder = 0): number[] {
  return regions.map(
    (r, i) =>
      run(
        db,
        qb.insertInto('regions').values({
          page_id: pageId,
          reading_order: firstOrder + i,
          type: r.type,
          label: r.label ?? null,
          polygon: JSON.stringify(r.polygon),
        }),
      ).lastId,
  );
}

export const regionRow = (db: Db, regionId: number) =>
  first(db, qb.selectFrom('regions').select(['id', 'page_id', 'reading_order', 'polygon']).where('id', '=', regionId));

/** The region's page, if the region exists. */
export const regionPage = (db: Db, regionId: number): number | undefined =>
  first(db, qb.selectFrom('regions').select('page_id').where('id', '=', regionId))?.page_id;

/** Whether the region exists on this page. */
export const regionOnPage = (db: Db, regionId: number, pageId: number): boolean =>
  first(db, qb.selectFrom('regions').select('id').where('id', '=', regionId).where('page_id', '=', pageId)) !== undefined;

/** The page's region ids in reading order. */
export const regionIds = (db: Db, pageId: number): number[] =>
  all(db, qb.selectFrom('regions').select('id').where('page_id', '=', pageId).orderBy('reading_order').orderBy('id')).map((r) => r.id);

/** The page's regions in reading order, with their polygons. */
export const regionShapes = (db: Db, pageId: number): Array<{ id: number; polygon: Point[] }> =>
  all(db, qb.selectFrom('regions').select(['id', 'polygon']).where('page_id', '=', pageId).orderBy('reading_order').orderBy('id')).map(
    (r) => ({ id: r.id, polygon: JSON.parse(r.polygon) as Point[] }),
  );

/** Gives the regions `ids` the reading orders 0, 1, 2… */
export function renumberRegions(db: Db, ids: number[]): void {
  ids.forEach((id, i) => run(db, qb.updateTable('regions').set({ reading_order: i }).where('id', '=', id)));
}

/** A new type drops the source's name for the old one. */
export const setRegionType = (db: Db, regionId: number, type: RegionType): void => {
  run(db, qb.updateTable('regions').set({ type, label: null }).where('id', '=', regionId).where('type', '!=', type));
};

export const setRegionExcluded = (db: Db, regionId: number, excluded: boolean): void => {
  run(
    db,
    qb
      .updateTable('regions')
      .set({ excluded: excluded ? 1 : 0 })
      .where('id', '=', regionId),
  );
};

export const deleteRegionRow = (db: Db, regionId: number): void => {
  run(db, qb.deleteFrom('regions').where('id', '=', regionId));
};

/** The page's regions in reading order with their polygons and exclusion. */
export const regionOutlines = (db: Db, pageId: number): Array<{ id: number; polygon: Point[]; excluded: boolean }> =>
  all(
    db,
    qb.selectFrom('regions').select(['id', 'polygon', 'excluded']).where('page_id', '=', pageId).orderBy('reading_order').orderBy('id'),
  ).map((r) => ({ id: r.id, polygon: JSON.parse(r.polygon) as Point[], excluded: !!r.excluded }));

export const setRegionPolygon = (db: Db, regionId: number, polygon: Point[]): void => {
  run(
    db,
    qb
      .updateTable('regions')
      .set({ polygon: JSON.stringify(polygon) })
      .where('id', '=', regionId),
  );
};

/** The page's regions (unordered): polygon (JSON) and type. */
export const regionTypes = (db: Db, pageId: number) =>
  all(db, qb.selectFrom('regions').select(['polygon', 'type']).where('page_id', '=', pageId));

/** The page's regions in reading order, each with how many lines it holds. */
export const regionViews = (db: Db, pageId: number) =>
  all(
    db,
    qb
      .selectFrom('regions as r')
      .select((eb) => [
        'r.id',
        'r.reading_order as order',
        'r.type',
        'r.label',
        'r.polygon',
        'r.excluded',
        eb.selectFrom('lines as l').select(eb.fn.countAll<number>().as('n')).whereRef('l.region_id', '=', 'r.id').as('lines'),
      ])
      .where('r.page_id', '=', pageId)
      .orderBy('r.reading_order')
      .orderBy('r.id'),
  );
