// Lines of a page: their shape, crop box, reading order, split and region.
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below.
import type { Split } from '../../shared/api.ts';
import { onDesktop, qb, template } from './execute.ts';
import { all, changed, first, found, lastId, map, none, PerDialect, run, type Program } from './ops.ts';
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

const setOrderQuery = template<{ id: number; order: number }>((p) =>
  qb
    .updateTable('lines')
    .set({ reading_order: p('order') })
    .where('id', '=', p('id')),
);

// Built once: transcription asks for every line's file name, training for every line's crop.
const sourceNameQuery = template<{ lineId: number }, { source_name: string | null }>((p) =>
  qb.selectFrom('lines').select('source_name').where('id', '=', p('lineId')),
);
const cropSourceQuery = template<{ lineId: number }, { id: number; image_hash: string; polygon: string; baseline: string | null }>((p) =>
  qb
    .selectFrom('lines as l')
    .innerJoin('pages as p', 'p.id', 'l.page_id')
    .select(['l.id', 'p.image_hash', 'l.polygon', 'l.baseline'])
    .where('l.id', '=', p('lineId')),
);

export const lines = {
  insertLine: (l: LineRow) => map(run(insertLineQuery({ ...l, x: l.box.x, y: l.box.y, w: l.box.w, h: l.box.h })), lastId),

  lineExists: (lineId: number) => map(first(qb.selectFrom('lines').select('id').where('id', '=', lineId)), found),

  /** A line with its page's size and document, or undefined. */
  lineWithPage: (lineId: number) =>
    first(
      qb
        .selectFrom('lines as l')
        .innerJoin('pages as p', 'p.id', 'l.page_id')
        .selectAll('l')
        .select(['p.width', 'p.height', 'p.document_id'])
        .where('l.id', '=', lineId),
    ),

  /** The page's line ids in reading order. */
  pageLineIds: (pageId: number) =>
    map(all(qb.selectFrom('lines').select('id').where('page_id', '=', pageId).orderBy('reading_order').orderBy('id')), (rows) =>
      rows.map((r) => r.id),
    ),

  /** The page's lines in reading order: id, polygon (JSON) and region. */
  pageLineShapes: (pageId: number) =>
    all(
      qb
        .selectFrom('lines')
        .select(['id', 'polygon', 'region_id', 'reading_order'])
        .where('page_id', '=', pageId)
        .orderBy('reading_order')
        .orderBy('id'),
    ),

  /** The region's lines in reading order. */
  regionLines: (regionId: number) =>
    all(
      qb
        .selectFrom('lines')
        .select(['id', 'reading_order', 'polygon'])
        .where('region_id', '=', regionId)
        .orderBy('reading_order')
        .orderBy('id'),
    ),

  /** Gives each line its reading order. */
  *setLineOrders(orders: Array<{ id: number; order: number }>): Program<void> {
    // Yielded as it is (no step() generator per line): renumbering runs for every line of a page.
    for (const o of orders) yield run(setOrderQuery(o));
  },

  /** Gives the lines `ids` the reading orders 0, 1, 2… */
  setReadingOrder: (ids: number[]) => lines.setLineOrders(ids.map((id, order) => ({ id, order }))),

  setLineRegion: (lineId: number, regionId: number | null) =>
    none(run(qb.updateTable('lines').set({ region_id: regionId }).where('id', '=', lineId))),

  /** Answers whether the line exists. */
  setLineSplit: (lineId: number, split: Split) => map(run(qb.updateTable('lines').set({ split }).where('id', '=', lineId)), changed),

  /**
   * Locks the page's lines until the transaction ends, on the server (SQLite has one writer):
   * a transcription saved meanwhile waits, and is refused if its line is gone then, rather
   * than its line being removed from under it as an unlabeled one.
   */
  lockPageLines: (pageId: number) => {
    const q = qb.selectFrom('lines').select('id').where('page_id', '=', pageId);
    return none(all(new PerDialect(q, q.forUpdate())));
  },

  /** A page's lines, or a region's, each with whether it is labeled (line-sets.ts). */
  linesWithLabel: (where: { pageId: number } | { regionId: number }) =>
    map(
      all(
        qb
          .selectFrom('lines as l')
          .select(['l.id', 'l.polygon', 'l.region_id'])
          .select((eb) => eb.case().when(labeled()).then(1).else(0).end().as('labeled'))
          .where('pageId' in where ? 'l.page_id' : 'l.region_id', '=', 'pageId' in where ? where.pageId : where.regionId),
      ),
      (rows) => rows.map((r) => ({ id: r.id, polygon: r.polygon, regionId: r.region_id, labeled: r.labeled === 1 })),
    ),

  /** Replaces a line's shape and crop box. */
  setLineGeometry: (lineId: number, g: { polygon: string; baseline: string | null; box: { x: number; y: number; w: number; h: number } }) =>
    none(
      run(
        qb
          .updateTable('lines')
          .set({ polygon: g.polygon, baseline: g.baseline, box_x: g.box.x, box_y: g.box.y, box_w: g.box.w, box_h: g.box.h })
          .where('id', '=', lineId),
      ),
    ),

  /** Keeps a line's shape in its geometry history before it changes, with who changed it. */
  keepGeometry: (lineId: number, polygon: string, baseline: string | null, author: string) =>
    none(run(qb.insertInto('line_geometry_history').values({ line_id: lineId, polygon, baseline, author }))),

  /** The file name a pre-cut line image was imported from, or null. */
  lineSourceName: (lineId: number) => map(first(sourceNameQuery({ lineId })), (r) => r?.source_name ?? null),

  /** What a line's crop is cut from: its page image, polygon and baseline (JSON). */
  lineCropSource: (lineId: number) => first(cropSourceQuery({ lineId })),

  /** The page's lines (unordered) with the type of the region each is in. */
  linesWithRegionType: (pageId: number) =>
    all(
      qb
        .selectFrom('lines as l')
        .leftJoin('regions as r', 'r.id', 'l.region_id')
        .select(['l.polygon', 'l.baseline', 'r.type'])
        .where('l.page_id', '=', pageId),
    ),

  /** Where a line is: its page and reading order, or undefined. */
  linePlace: (lineId: number) => first(qb.selectFrom('lines').select(['page_id', 'reading_order']).where('id', '=', lineId)),
};

export const {
  insertLine,
  lineExists,
  lineWithPage,
  pageLineIds,
  pageLineShapes,
  regionLines,
  setLineOrders,
  setReadingOrder,
  setLineRegion,
  setLineSplit,
  linesWithLabel,
  setLineGeometry,
  keepGeometry,
  lineSourceName,
  lineCropSource,
  linesWithRegionType,
  linePlace,
} = onDesktop(lines);
