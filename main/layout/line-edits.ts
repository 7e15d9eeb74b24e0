// Hand edits of a page's lines: reshape, add, delete, merge, split and reorder. Nothing an
// archivist made is lost: a reshaped line keeps its old shape in line_geometry_history, a
// deleted (or merged-away) line is archived whole with every transcription row, and a line
// carrying a transcription is never deleted or split without being told what to do. Each
// edit is a store-neutral program (main/db/ops.ts, `lineEdits`), its writes one transaction,
// run on a project folder by the functions of a Project below and on the server store by the
// team server.
import { perform } from '../db/execute.ts';
import { lines } from '../db/lines.ts';
import { step, transaction, type Program } from '../db/ops.ts';
import { pages } from '../db/pages.ts';
import { regions } from '../db/regions.ts';
import { transcriptions } from '../db/transcriptions.ts';
import type { Point } from '../io/layout.ts';
import { boundingBox } from '../io/layout.ts';
import { insertLinesOp } from '../import/insert-lines.ts';
import { stableSplit } from '../import/split.ts';
import { authorName } from '../project/author.ts';
import type { Project } from '../project/project.ts';
import { checkInside, clipPolygonX, convexHull, polygonArea } from './polygon.ts';
import { lineArchive } from './line-archive.ts';
import { regionEdits, regionHolding } from './regions.ts';
import { moveLineInOrder, verticalCentre } from './reading-order.ts';

function* line(lineId: number) {
  const row = yield* step(lines.lineWithPage(lineId));
  if (!row) throw new Error(`no line ${lineId}`);
  return row;
}

/** A found or drawn line's dataset split: stable for the same shape on the same page. */
export const splitForNewLine = (documentId: number, pageId: number, polygon: Point[]) =>
  stableSplit(`${documentId}/${pageId}/${polygon.flat().join(',')}`);

/** Replaces a line's polygon (and baseline); the previous shape goes to the history. */
function* updateLineGeometryOp(lineId: number, polygon: Point[], baseline: Point[] | null): Program<void> {
  const row = yield* line(lineId);
  checkInside(`line ${lineId}`, row, [...polygon, ...(baseline ?? [])]);
  const b = boundingBox(polygon);
  yield* step(
    transaction(function* () {
      yield* step(lines.keepGeometry(lineId, row.polygon, row.baseline, authorName()));
      yield* step(
        lines.setLineGeometry(lineId, { polygon: JSON.stringify(polygon), baseline: baseline ? JSON.stringify(baseline) : null, box: b }),
      );
    }),
  );
}

/** A new (unlabeled) line drawn by hand, placed in the reading order by its height on the page, in the region that holds it. */
function* addLineOp(pageId: number, polygon: Point[], baseline: Point[] | null): Program<number> {
  const page = yield* step(pages.pageSize(pageId));
  if (!page) throw new Error(`no page ${pageId}`);
  checkInside('new line', page, [...polygon, ...(baseline ?? [])]);
  // It joins the region that holds it, if any.
  const regionId = regionHolding(yield* step(regions.regionShapes(pageId)), polygon)?.id ?? null;
  return yield* step(
    transaction(function* () {
      const [id] = yield* insertLinesOp(
        pageId,
        [{ polygon, baseline, text: null, regionId, split: splitForNewLine(page.document_id, pageId, polygon) }],
        'human',
      );
      const others = (yield* step(lines.pageLineShapes(pageId))).filter((o) => o.id !== id);
      const at = others.findIndex((o) => verticalCentre(JSON.parse(o.polygon)) > verticalCentre(polygon));
      const ids = others.map((o) => o.id);
      ids.splice(at < 0 ? ids.length : at, 0, id);
      yield* step(lines.setReadingOrder(ids));
      yield* regionEdits.orderLinesByRegion(pageId);
      return id;
    }),
  );
}

/** Deleting a transcribed line needs `confirmed`: the text is archived, but gone from the page. */
function* deleteLineOp(lineId: number, confirmed = false): Program<void> {
  const row = yield* line(lineId);
  if (!confirmed && (yield* step(transcriptions.currentText(lineId))) !== null)
    throw new Error(`line ${row.reading_order + 1} carries a transcription: confirm to delete it (it stays in the archive)`);
  yield* step(
    transaction(function* () {
      yield* lineArchive.archiveAndDelete(lineId, 'deleted by hand');
      yield* step(lines.setReadingOrder(yield* step(lines.pageLineIds(row.page_id))));
    }),
  );
}

/** Lines of one page become one: the hull of their shapes, baselines joined, texts joined in reading order. */
function* mergeLinesOp(lineIds: number[], author = authorName()): Program<number> {
  const rows = [];
  for (const id of lineIds) rows.push(yield* line(id));
  rows.sort((a, b) => a.reading_order - b.reading_order);
  if (new Set(rows.map((r) => r.page_id)).size !== 1) throw new Error('only lines of the same page can be merged');
  if (rows.length < 2) throw new Error('merging needs at least two lines');
  const [keep, ...rest] = rows;
  const polygon = convexHull(rows.flatMap((r) => JSON.parse(r.polygon) as Point[]));
  // Shapes whose points all lie on one straight line have a hull of two points: stored, that
  // line could not be exported (PAGE and ALTO polygons need three).
  if (polygon.length < 3) throw new Error(`lines ${rows.map((r) => r.reading_order + 1).join(', ')} have no area to merge into one shape`);
  const baseline = rows.flatMap((r) => (r.baseline ? (JSON.parse(r.baseline) as Point[]) : [])).sort((a, b) => a[0] - b[0]);
  const texts: Array<string | null> = [];
  for (const r of rows) texts.push(yield* step(transcriptions.currentText(r.id)));
  return yield* step(
    transaction(function* () {
      yield* updateLineGeometryOp(keep.id, polygon, baseline.length >= 2 ? baseline : null);
      if (texts.some((t) => t !== null))
        yield* step(transcriptions.addTranscription(keep.id, texts.filter((t) => t !== null).join(' '), author, 'human'));
      for (const r of rest) yield* lineArchive.archiveAndDelete(r.id, `merged into line ${keep.id}`);
      yield* step(lines.setReadingOrder(yield* step(lines.pageLineIds(keep.page_id))));
      return keep.id;
    }),
  );
}

/**
 * Cuts a line in two at page coordinate x. A transcribed line needs its text divided too:
 * `texts` gives the left and right parts (the left keeps the line's history).
 */
function* splitLineOp(lineId: number, x: number, texts?: [string, string], author = authorName()): Program<[number, number]> {
  const row = yield* line(lineId);
  const polygon = JSON.parse(row.polygon) as Point[];
  const left = clipPolygonX(polygon, x, 'left');
  const right = clipPolygonX(polygon, x, 'right');
  // Each part must keep at least a pixel's width: a cut on the line's edge (or within a pixel
  // of it) clips a part of no area, and exported (coordinates rounded) a line without pixels.
  const wide = (part: Point[]) => {
    const xs = part.map((p) => p[0]);
    return part.length >= 3 && Math.max(...xs) - Math.min(...xs) >= 1 && polygonArea(part) > 0;
  };
  if (!wide(left) || !wide(right)) throw new Error(`line ${row.reading_order + 1}: x = ${x} does not cut the line`);
  const text = yield* step(transcriptions.currentText(lineId));
  if (text !== null && !texts)
    throw new Error(`line ${row.reading_order + 1} carries a transcription: say how its text divides between the two parts`);
  const baseline = row.baseline ? (JSON.parse(row.baseline) as Point[]) : null;
  const cutBaseline = (side: 'left' | 'right') => {
    if (!baseline) return null;
    const part = clipPolyline(baseline, x, side);
    return part.length >= 2 ? part : null;
  };
  return yield* step(
    transaction(function* () {
      yield* updateLineGeometryOp(lineId, left, cutBaseline('left'));
      const [rightId] = yield* insertLinesOp(
        row.page_id,
        [{ polygon: right, baseline: cutBaseline('right'), text: null, split: row.split, regionId: row.region_id }],
        'human',
      );
      if (texts) {
        yield* step(transcriptions.addTranscription(lineId, texts[0].normalize('NFC'), author, 'human'));
        yield* step(transcriptions.addTranscription(rightId, texts[1].normalize('NFC'), author, 'human'));
      }
      const ids = (yield* step(lines.pageLineIds(row.page_id))).filter((id) => id !== rightId);
      ids.splice(ids.indexOf(lineId) + 1, 0, rightId);
      yield* step(lines.setReadingOrder(ids));
      return [lineId, rightId] as [number, number];
    }),
  );
}

/** Moves a line to position `order` (0-based) in its page's reading order. */
function* moveLineOp(lineId: number, order: number): Program<void> {
  const row = yield* line(lineId);
  const page = (yield* step(lines.pageLineShapes(row.page_id))).map((l) => ({ id: l.id, region: l.region_id }));
  const ids = moveLineInOrder(page, lineId, order);
  yield* step(transaction(() => lines.setReadingOrder(ids)));
}

/** Puts lines in the train, validation or test split (the person's choice overrides the import's). */
function* setSplitOp(lineIds: number[], split: 'train' | 'validation' | 'test'): Program<number> {
  return yield* step(
    transaction(function* () {
      for (const id of lineIds) if (!(yield* step(lines.setLineSplit(id, split)))) throw new Error(`no line ${id}`);
      return lineIds.length;
    }),
  );
}

/** The line edits' programs, for either store. */
export const lineEdits = {
  updateLineGeometry: updateLineGeometryOp,
  addLine: addLineOp,
  deleteLine: deleteLineOp,
  mergeLines: mergeLinesOp,
  splitLine: splitLineOp,
  moveLine: moveLineOp,
  setSplit: setSplitOp,
};

export const setReadingOrder = (project: Project, lineIds: number[]): void => perform(project.db, lines.setReadingOrder(lineIds));

export const updateLineGeometry = (project: Project, lineId: number, polygon: Point[], baseline: Point[] | null): void =>
  perform(project.db, updateLineGeometryOp(lineId, polygon, baseline));

export const addLine = (project: Project, pageId: number, polygon: Point[], baseline: Point[] | null): number =>
  perform(project.db, addLineOp(pageId, polygon, baseline));

export const deleteLine = (project: Project, lineId: number, confirmed = false): void =>
  perform(project.db, deleteLineOp(lineId, confirmed));

export const mergeLines = (project: Project, lineIds: number[], author = authorName()): number =>
  perform(project.db, mergeLinesOp(lineIds, author));

export const splitLine = (project: Project, lineId: number, x: number, texts?: [string, string], author = authorName()): [number, number] =>
  perform(project.db, splitLineOp(lineId, x, texts, author));

export const moveLine = (project: Project, lineId: number, order: number): void => perform(project.db, moveLineOp(lineId, order));

export const setSplit = (project: Project, lineIds: number[], split: 'train' | 'validation' | 'test'): number =>
  perform(project.db, setSplitOp(lineIds, split));

function clipPolyline(points: Point[], x: number, side: 'left' | 'right'): Point[] {
  const keep = (p: Point) => (side === 'left' ? p[0] <= x : p[0] >= x);
  const out: Point[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (keep(p)) out.push(p);
    const q = points[i + 1];
    if (q && keep(p) !== keep(q)) {
      const t = (x - p[0]) / (q[0] - p[0]);
      out.push([x, Math.round(p[1] + t * (q[1] - p[1]))]);
    }
  }
  return out;
}
