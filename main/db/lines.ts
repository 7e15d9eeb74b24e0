// Lines of a page: their shape, crop box, reading order, split and region.
import type { Split } from '../../shared/api.ts';
import { all, first, qb, run, template, type Db } from './execute.ts';
import { labeled } from './line-sets.ts';

export interface LineRow {
  pageId: number;
  order: number;
  /** JSON arrays of [x, y] points in page pixels. */
  polygon: string;
  baseline: string | null;
  box: { x: number; y: number; w: number; h: number };
  sourceName: string | null;
  split: Split;
  regionId: number | null;
}

// Built once: imports insert lines by the hundred thousand.
const insertLineQuery = template<{
  pageId: number;
  order: number;
  polygon: string;
  baseline: string | null;
  x: number;
  y: number;
  w: number;
  h: number;
  sourceName: string | null;
  split: Split;
  regionId: number | null;
}>((p) =>
  qb.insertInto('lines').values({
    page_id: p('pageId'),
    reading_order: p('order'),
    polygon: p('polygon'),
    baseline: p('baseline'),
    box_x: p('x'),
    box_y: p('y'),
    box_w: p('w'),
    box_h: p('h'),
    source_name: p('sourceName'),
    split: p('split'),
    region_id: p('regionId'),
  }),
);

export const insertLine = (db: Db, l: LineRow): number =>
  run(db, insertLineQuery({ ...l, x: l.box.x, y: l.box.y, w: l.box.w, h: l.box.h })).lastId;

export const lineExists = (db: Db, lineId: number): boolean =>
  first(db, qb.selectFrom('lines').select('id').where('id', '=', lineId)) !== undefined;

/** A line with its page's size and document, or undefined. */
export const lineWithPage = (db: Db, lineId: number) =>
  first(
    db,
    qb
      .selectFrom('lines as l')
      .innerJoin('pages as p', 'p.id', 'l.page_id')
      .selectAll('l')
      .select(['p.width', 'p.height', 'p.document_id'])
      .where('l.id', '=', lineId),
  );

/** The page's line ids in reading order. */
export const pageLineIds = (db: Db, pageId: number): number[] =>
  all(db, qb.selectFrom('lines').select('id').where('page_id', '=', pageId).orderBy('reading_order').orderBy('id')).map((r) => r.id);

/** The page's lines in reading order: id, polygon (JSON) and region. */
export const pageLineShapes = (db: Db, pageId: number) =>
  all(
    db,
    qb
      .selectFrom('lines')
      .select(['id', 'polygon', 'region_id', 'reading_order'])
      .where('page_id', '=', pageId)
      .orderBy('reading_order')
      .orderBy('id'),
  );

/** The region's lines in reading order. */
export const regionLines = (db: Db, regionId: number) =>
  all(
    db,
    qb
      .selectFrom('lines')
      .select(['id', 'reading_order', 'polygon'])
      .where('region_id', '=', regionId)
      .orderBy('reading_order')
      .orderBy('id'),
  );

const setOrderQuery = template<{ id: number; order: number }>((p) =>
  qb
    .updateTable('lines')
    .set({ reading_order: p('order') })
    .where('id', '=', p('id')),
);

/** Gives each line its reading order. */
export function setLineOrders(db: Db, orders: Array<{ id: number; order: number }>): void {
  for (const o of orders) run(db, setOrderQuery(o));
}

/** Gives the lines `ids` the reading orders 0, 1, 2… */
export const setReadingOrder = (db: Db, ids: number[]): void =>
  setLineOrders(
    db,
    ids.map((id, order) => ({ id, order })),
  );

export const setLineRegion = (db: Db, lineId: number, regionId: number | null): void => {
  run(db, qb.updateTable('lines').set({ region_id: regionId }).where('id', '=', lineId));
};

/** Returns whether the line exists. */
export const setLineSplit = (db: Db, lineId: number, split: Split): boolean =>
  run(db, qb.updateTable('lines').set({ split }).where('id', '=', lineId)).changes > 0;

/** A page's lines, or a region's, each with whether it is labeled (line-sets.ts). */
export const linesWithLabel = (db: Db, where: { pageId: number } | { regionId: number }) =>
  all(
    db,
    qb
      .selectFrom('lines as l')
      .select(['l.id', 'l.polygon', 'l.region_id'])
      .select((eb) => eb.case().when(labeled()).then(1).else(0).end().as('labeled'))
      .where('pageId' in where ? 'l.page_id' : 'l.region_id', '=', 'pageId' in where ? where.pageId : where.regionId),
  ).map((r) => ({ id: r.id, polygon: r.polygon, regionId: r.region_id, labeled: r.labeled === 1 }));

/** Replaces a line's shape and crop box. */
export const setLineGeometry = (
  db: Db,
  lineId: number,
  g: { polygon: string; baseline: string | null; box: { x: number; y: number; w: number; h: number } },
): void => {
  run(
    db,
    qb
      .updateTable('lines')
      .set({ polygon: g.polygon, baseline: g.baseline, box_x: g.box.x, box_y: g.box.y, box_w: g.box.w, box_h: g.box.h })
      .where('id', '=', lineId),
  );
};

/** Keeps a line's shape in its geometry history before it changes, with who changed it. */
export const keepGeometry = (db: Db, lineId: number, polygon: string, baseline: string | null, author: string): void => {
  run(db, qb.insertInto('line_geometry_history').values({ line_id: lineId, polygon, baseline, author }));
};

// Built once: transcription asks for every line's file name, training for every line's crop.
const sourceNameQuery = template<{ lineId: number }, { source_name: string | null }>((p) =>
  qb.selectFrom('lines').select('source_name').where('id', '=', p('lineId')),
);
const cropSourceQuery = template<{ lineId: number }, { id: number; image_hash: string; polygon: string }>((p) =>
  qb
    .selectFrom('lines as l')
    .innerJoin('pages as p', 'p.id', 'l.page_id')
    .select(['l.id', 'p.image_hash', 'l.polygon'])
    .where('l.id', '=', p('lineId')),
);

/** The file name a pre-cut line image was imported from, or null. */
export const lineSourceName = (db: Db, lineId: number): string | null => first(db, sourceNameQuery({ lineId }))?.source_name ?? null;

/** What a line's crop is cut from: its page image and polygon (JSON). */
export const lineCropSource = (db: Db, lineId: number) => first(db, cropSourceQuery({ lineId }));

/** The page's lines (unordered) with the type of the region each is in. */
export const linesWithRegionType = (db: Db, pageId: number) =>
  all(
    db,
    qb
      .selectFrom('lines as l')
      .leftJoin('regions as r', 'r.id', 'l.region_id')
      .select(['l.polygon', 'l.baseline', 'r.type'])
      .where('l.page_id', '=', pageId),
  );

/** Where a line is: its page and reading order, or undefined. */
export const linePlace = (db: Db, lineId: number) =>
  first(db, qb.selectFrom('lines').select(['page_id', 'reading_order']).where('id', '=', lineId));
