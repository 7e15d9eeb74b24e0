// Text regions of a page: their rows, type, exclusion from transcription and reading order.
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below.
import type { Point } from '../../shared/api.ts';
import type { RegionType } from '../../shared/region-types.ts';
import { onDesktop, qb } from './execute.ts';
import { all, first, found, lastId, map, none, type Program, run, step } from './ops.ts';

export interface NewRegion {
  type: RegionType;
  /** The source's own name for the type, where it had one (SegmOnto's MarginTextZone…). */
  label?: string | null;
  polygon: Point[];
  /** Drawn by a person or imported (default): it stays when a segmenter does not find it again. */
  byHand?: boolean;
  /** Its id in the file it was imported from. */
  sourceName?: string | null;
}

/** A region's columns as the undo history keeps them (polygon as JSON, flags as 0/1). */
export interface RegionRecord {
  polygon: string;
  /** A RegionType, as the schema's column holds it. */
  type: string;
  label: string | null;
  excluded: number;
  by_hand: number;
  /** Absent from states the history recorded before regions kept their file's id. */
  source_name?: string | null;
}

const exists = (r: unknown) => r !== undefined;
const outline = <R extends { polygon: string }>(r: R) => ({ ...r, polygon: JSON.parse(r.polygon) as Point[] });

/** The columns a recorded region state puts back (states recorded before source_name have none). */
const recorded = (r: RegionRecord) => ({
  type: r.type,
  label: r.label,
  polygon: r.polygon,
  excluded: r.excluded,
  by_hand: r.by_hand,
  source_name: r.source_name ?? null,
});

export const regions = {
  /** `firstOrder`: the reading order of the first region. Answers the new regions' ids. */
  *insertRegions(pageId: number, rows: NewRegion[], firstOrder = 0): Program<number[]> {
    const ids: number[] = [];
    for (const [i, r] of rows.entries()) {
      const values = {
        page_id: pageId,
        reading_order: firstOrder + i,
        type: r.type,
        label: r.label ?? null,
        polygon: JSON.stringify(r.polygon),
        by_hand: r.byHand === false ? 0 : 1,
        source_name: r.sourceName ?? null,
      };
      ids.push((yield* step(run(qb.insertInto('regions').values(values)))).lastId);
    }
    return ids;
  },

  regionRow: (regionId: number) =>
    first(qb.selectFrom('regions').select(['id', 'page_id', 'reading_order', 'polygon']).where('id', '=', regionId)),

  /** The region's page, if the region exists. */
  regionPage: (regionId: number) => map(first(qb.selectFrom('regions').select('page_id').where('id', '=', regionId)), (r) => r?.page_id),

  /** Whether the region exists on this page. */
  regionOnPage: (regionId: number, pageId: number) =>
    map(first(qb.selectFrom('regions').select('id').where('id', '=', regionId).where('page_id', '=', pageId)), found),

  /** The page's region ids in reading order. */
  regionIds: (pageId: number) =>
    map(all(qb.selectFrom('regions').select('id').where('page_id', '=', pageId).orderBy('reading_order').orderBy('id')), (rows) =>
      rows.map((r) => r.id),
    ),

  /** The page's regions in reading order, with their polygons. */
  regionShapes: (pageId: number) =>
    map(
      all(qb.selectFrom('regions').select(['id', 'polygon']).where('page_id', '=', pageId).orderBy('reading_order').orderBy('id')),
      (rows): Array<{ id: number; polygon: Point[] }> => rows.map(outline),
    ),

  /** Gives the regions `ids` the reading orders 0, 1, 2… */
  *renumberRegions(ids: number[]): Program<void> {
    for (const [i, id] of ids.entries()) yield* step(run(qb.updateTable('regions').set({ reading_order: i }).where('id', '=', id)));
  },

  /** A new type drops the source's name for the old one. */
  setRegionType: (regionId: number, type: RegionType) =>
    none(run(qb.updateTable('regions').set({ type, label: null, by_hand: 1 }).where('id', '=', regionId).where('type', '!=', type))),

  setRegionExcluded: (regionId: number, excluded: boolean) =>
    none(
      run(
        qb
          .updateTable('regions')
          .set({ excluded: excluded ? 1 : 0 })
          .where('id', '=', regionId),
      ),
    ),

  deleteRegionRow: (regionId: number) => none(run(qb.deleteFrom('regions').where('id', '=', regionId))),

  /** Whether a region (of any page) has this id. */
  regionIdTaken: (regionId: number) => map(first(qb.selectFrom('regions').select('id').where('id', '=', regionId)), found),

  /**
   * A region as the undo history recorded it (history.regionStates), made again on its page
   * with reading order `order`: under `id` where given (the caller checked it is free), else a new one.
   */
  insertRegionState: (pageId: number, r: RegionRecord, order: number, id?: number) =>
    map(
      run(
        qb.insertInto('regions').values({
          ...(id === undefined ? {} : { id }),
          page_id: pageId,
          reading_order: order,
          ...recorded(r),
        }),
      ),
      lastId,
    ),

  /** Puts a region's columns back as the undo history recorded them. */
  setRegionState: (regionId: number, r: RegionRecord) => none(run(qb.updateTable('regions').set(recorded(r)).where('id', '=', regionId))),

  /** The page's regions in reading order with their polygons, exclusion and whether a person made them. */
  regionOutlines: (pageId: number) =>
    map(
      all(
        qb
          .selectFrom('regions')
          .select(['id', 'polygon', 'excluded', 'by_hand'])
          .where('page_id', '=', pageId)
          .orderBy('reading_order')
          .orderBy('id'),
      ),
      (rows): Array<{ id: number; polygon: Point[]; excluded: boolean; byHand: boolean }> =>
        rows.map((r) => ({ id: r.id, polygon: JSON.parse(r.polygon) as Point[], excluded: !!r.excluded, byHand: !!r.by_hand })),
    ),

  setRegionPolygon: (regionId: number, polygon: Point[]) =>
    none(
      run(
        qb
          .updateTable('regions')
          .set({ polygon: JSON.stringify(polygon) })
          .where('id', '=', regionId),
      ),
    ),

  /** The page's regions (unordered): polygon (JSON) and type. */
  regionTypes: (pageId: number) => all(qb.selectFrom('regions').select(['polygon', 'type']).where('page_id', '=', pageId)),

  /** The page's regions in reading order, each with how many lines it holds. */
  regionViews: (pageId: number) =>
    all(
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
    ),
};

export const {
  insertRegions,
  regionRow,
  regionPage,
  regionOnPage,
  regionIds,
  regionShapes,
  renumberRegions,
  setRegionType,
  setRegionExcluded,
  deleteRegionRow,
  regionIdTaken,
  insertRegionState,
  setRegionState,
  regionOutlines,
  setRegionPolygon,
  regionTypes,
  regionViews,
} = onDesktop(regions);
