// Hand edits of a page's lines: reshape, add, delete, merge, split and reorder. Nothing an
// archivist made is lost: a reshaped line keeps its old shape in line_geometry_history, a
// deleted (or merged-away) line is archived whole with every transcription row, and a line
// carrying a transcription is never deleted or split without being told what to do.
import { transaction } from '../db/execute.ts';
import {
  keepGeometry,
  lineWithPage,
  pageLineIds,
  pageLineShapes,
  setLineGeometry,
  setLineSplit,
  setReadingOrder as setOrder,
} from '../db/lines.ts';
import { pageSize } from '../db/pages.ts';
import { regionShapes } from '../db/regions.ts';
import { addTranscription, currentText as currentLabel } from '../db/transcriptions.ts';
import type { Point } from '../io/layout.ts';
import { boundingBox } from '../io/layout.ts';
import { insertLines } from '../import/insert-lines.ts';
import { stableSplit } from '../import/split.ts';
import { authorName } from '../project/author.ts';
import type { Project } from '../project/project.ts';
import { clipPolygonX, convexHull } from './polygon.ts';
import { archiveAndDelete } from './line-archive.ts';
import { orderLinesByRegion, regionHolding } from './regions.ts';

const currentText = (project: Project, lineId: number) => currentLabel(project.db, lineId);

function line(project: Project, lineId: number) {
  const row = lineWithPage(project.db, lineId);
  if (!row) throw new Error(`no line ${lineId}`);
  return row;
}

/** A found or drawn line's dataset split: stable for the same shape on the same page. */
export const splitForNewLine = (documentId: number, pageId: number, polygon: Point[]) =>
  stableSplit(`${documentId}/${pageId}/${polygon.flat().join(',')}`);

export const verticalCentre = (polygon: Point[]) => {
  const b = boundingBox(polygon);
  return b.y + b.h / 2;
};

function checkInside(what: string, page: { width: number; height: number }, points: Point[]): void {
  const outside = points.find(([x, y]) => x < 0 || y < 0 || x > page.width || y > page.height);
  if (outside) throw new Error(`${what}: point ${outside.join(',')} lies outside the page (${page.width}×${page.height})`);
}

export const setReadingOrder = (project: Project, lineIds: number[]): void => setOrder(project.db, lineIds);

const pageOrder = (project: Project, pageId: number) => pageLineIds(project.db, pageId);

/** Replaces a line's polygon (and baseline); the previous shape goes to the history. */
export function updateLineGeometry(project: Project, lineId: number, polygon: Point[], baseline: Point[] | null): void {
  const row = line(project, lineId);
  checkInside(`line ${lineId}`, row, [...polygon, ...(baseline ?? [])]);
  const b = boundingBox(polygon);
  transaction(project.db, () => {
    keepGeometry(project.db, lineId, row.polygon, row.baseline, authorName());
    setLineGeometry(project.db, lineId, { polygon: JSON.stringify(polygon), baseline: baseline ? JSON.stringify(baseline) : null, box: b });
  });
}

/** A new (unlabeled) line drawn by hand, placed in the reading order by its height on the page, in the region that holds it. */
export function addLine(project: Project, pageId: number, polygon: Point[], baseline: Point[] | null): number {
  const page = pageSize(project.db, pageId);
  if (!page) throw new Error(`no page ${pageId}`);
  checkInside('new line', page, [...polygon, ...(baseline ?? [])]);
  // It joins the region that holds it, if any.
  const regionId = regionHolding(regionShapes(project.db, pageId), polygon)?.id ?? null;
  return transaction(project.db, () => {
    const [id] = insertLines(
      project.db,
      pageId,
      [{ polygon, baseline, text: null, regionId, split: splitForNewLine(page.document_id, pageId, polygon) }],
      'human',
    );
    const others = pageLineShapes(project.db, pageId).filter((o) => o.id !== id);
    const at = others.findIndex((o) => verticalCentre(JSON.parse(o.polygon)) > verticalCentre(polygon));
    const ids = others.map((o) => o.id);
    ids.splice(at < 0 ? ids.length : at, 0, id);
    setReadingOrder(project, ids);
    orderLinesByRegion(project.db, pageId);
    return id;
  });
}

/** Deleting a transcribed line needs `confirmed`: the text is archived, but gone from the page. */
export function deleteLine(project: Project, lineId: number, confirmed = false): void {
  const row = line(project, lineId);
  if (!confirmed && currentText(project, lineId) !== null)
    throw new Error(`line ${row.reading_order + 1} carries a transcription: confirm to delete it (it stays in the archive)`);
  transaction(project.db, () => {
    archiveAndDelete(project, lineId, 'deleted by hand');
    setReadingOrder(project, pageOrder(project, row.page_id));
  });
}

/** Lines of one page become one: the hull of their shapes, baselines joined, texts joined in reading order. */
export function mergeLines(project: Project, lineIds: number[], author = authorName()): number {
  const rows = lineIds.map((id) => line(project, id)).sort((a, b) => a.reading_order - b.reading_order);
  if (new Set(rows.map((r) => r.page_id)).size !== 1) throw new Error('only lines of the same page can be merged');
  if (rows.length < 2) throw new Error('merging needs at least two lines');
  const [keep, ...rest] = rows;
  const polygon = convexHull(rows.flatMap((r) => JSON.parse(r.polygon) as Point[]));
  const baseline = rows.flatMap((r) => (r.baseline ? (JSON.parse(r.baseline) as Point[]) : [])).sort((a, b) => a[0] - b[0]);
  const texts = rows.map((r) => currentText(project, r.id));
  return transaction(project.db, () => {
    updateLineGeometry(project, keep.id, polygon, baseline.length >= 2 ? baseline : null);
    if (texts.some((t) => t !== null)) addTranscription(project.db, keep.id, texts.filter((t) => t !== null).join(' '), author, 'human');
    for (const r of rest) archiveAndDelete(project, r.id, `merged into line ${keep.id}`);
    setReadingOrder(project, pageOrder(project, keep.page_id));
    return keep.id;
  });
}

/**
 * Cuts a line in two at page coordinate x. A transcribed line needs its text divided too:
 * `texts` gives the left and right parts (the left keeps the line's history).
 */
export function splitLine(project: Project, lineId: number, x: number, texts?: [string, string], author = authorName()): [number, number] {
  const row = line(project, lineId);
  const polygon = JSON.parse(row.polygon) as Point[];
  const left = clipPolygonX(polygon, x, 'left');
  const right = clipPolygonX(polygon, x, 'right');
  if (left.length < 3 || right.length < 3) throw new Error(`line ${row.reading_order + 1}: x = ${x} does not cut the line`);
  const text = currentText(project, lineId);
  if (text !== null && !texts)
    throw new Error(`line ${row.reading_order + 1} carries a transcription: say how its text divides between the two parts`);
  const baseline = row.baseline ? (JSON.parse(row.baseline) as Point[]) : null;
  const cutBaseline = (side: 'left' | 'right') => {
    if (!baseline) return null;
    const part = clipPolyline(baseline, x, side);
    return part.length >= 2 ? part : null;
  };
  return transaction(project.db, () => {
    updateLineGeometry(project, lineId, left, cutBaseline('left'));
    const [rightId] = insertLines(
      project.db,
      row.page_id,
      [{ polygon: right, baseline: cutBaseline('right'), text: null, split: row.split, regionId: row.region_id }],
      'human',
    );
    if (texts) {
      addTranscription(project.db, lineId, texts[0].normalize('NFC'), author, 'human');
      addTranscription(project.db, rightId, texts[1].normalize('NFC'), author, 'human');
    }
    const ids = pageOrder(project, row.page_id).filter((id) => id !== rightId);
    ids.splice(ids.indexOf(lineId) + 1, 0, rightId);
    setReadingOrder(project, ids);
    return [lineId, rightId] as [number, number];
  });
}

/** Moves a line to position `order` (0-based) in its page's reading order. */
export function moveLine(project: Project, lineId: number, order: number): void {
  const row = line(project, lineId);
  const ids = pageOrder(project, row.page_id).filter((id) => id !== lineId);
  ids.splice(Math.max(0, Math.min(ids.length, order)), 0, lineId);
  transaction(project.db, () => setReadingOrder(project, ids));
}

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

/** Puts lines in the train, validation or test split (the person's choice overrides the import's). */
export function setSplit(project: Project, lineIds: number[], split: 'train' | 'validation' | 'test'): number {
  return transaction(project.db, () =>
    lineIds.reduce((n, id) => {
      if (!setLineSplit(project.db, id, split)) throw new Error(`no line ${id}`);
      return n + 1;
    }, 0),
  );
}
