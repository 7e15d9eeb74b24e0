// Segmentation of a project's pages, or of one region of a page: runs a segmenter (the
// bundled model unless another is given; see segmenters.ts) on the page's grayscale copy
// and replaces the lines, except that a line carrying a human transcription is never
// removed: it stays, and new lines that are it or a piece of it are dropped. A model's regions are
// written too; page-level region bookkeeping is in segment-regions.ts.
import type { SegmentReport } from '../../shared/api.ts';
import { transaction } from '../db/execute.ts';
import { linesWithLabel, setLineOrders, setLineRegion } from '../db/lines.ts';
import { pageImage } from '../db/pages.ts';
import { boundingBox, type Point } from '../io/layout.ts';
import { setReadingOrder, splitForNewLine } from './line-edits.ts';
import { archiveAndDelete } from './line-archive.ts';
import { readingOrder, type Placed } from './reading-order.ts';
import { insertLines } from '../import/insert-lines.ts';
import { grayPage } from '../project/line-images.ts';
import type { Project } from '../project/project.ts';
import { polygonOverlap } from './line-metrics.ts';
import { resolveSegmenter, type Segmenter } from './segmenters.ts';
import type { FoundLayout } from './found-layout.ts';
import { orderLinesByRegion, regionHolding, regionPolygon } from './regions.ts';
import { placeRegions } from './segment-regions.ts';

/** Overlap above which a new line is taken to be the same as a kept labeled one. */
const SAME_LINE_IOU = 0.3;
/**
 * Share of a new line's own area inside a kept labeled line above which it is taken to be a
 * piece of it: a segmenter that finds a transcribed line in two or three pieces (or a word of
 * it) gives pieces whose IoU with the whole is small, and each would come back as a
 * duplicate, overlapping line, read twice and exported twice.
 */
const PIECE_OF_LINE = 0.5;

/** Whether a found line is a kept line again, or a piece of one. */
function repeatsKeptLine(polygon: Point[], kept: ExistingLine[]): boolean {
  const box = boundingBox(polygon);
  return kept.some((k) => {
    const b = boundingBox(k.polygon);
    // Lines whose boxes do not meet share nothing (and most pairs on a page are such).
    if (box.x >= b.x + b.w || b.x >= box.x + box.w || box.y >= b.y + b.h || b.y >= box.y + box.h) return false;
    const { iou, insideB } = polygonOverlap(polygon, k.polygon);
    return iou >= SAME_LINE_IOU || insideB >= PIECE_OF_LINE;
  });
}

export interface SegmentOptions {
  onProgress?: (done: number, total: number) => void;
  /** Default: resolveSegmenter() — the bundled model, or the classical segmenter where it cannot run. */
  segmenter?: Segmenter;
}

type PageRow = { id: number; image_hash: string; document_id: number };
type ExistingLine = { id: number; polygon: Point[]; labeled: boolean; regionId: number | null };

function pageRow(project: Project, pageId: number): PageRow {
  const page = pageImage(project.db, pageId);
  if (!page) throw new Error(`no page ${pageId}`);
  return page;
}

function existingLines(project: Project, where: { pageId: number } | { regionId: number }): ExistingLine[] {
  return linesWithLabel(project.db, where).map((r) => ({ ...r, polygon: JSON.parse(r.polygon) as Point[] }));
}

function newReport(segmenter: Segmenter): SegmentReport {
  return {
    pages: 0,
    added: 0,
    keptLabeled: 0,
    removed: 0,
    regions: 0,
    segmenter: segmenter.name,
    ...(segmenter.fallback ? { fallback: segmenter.fallback } : {}),
  };
}

/**
 * Replaces the unlabeled lines among `existing` by the found lines that do not overlap a kept
 * (labeled) one; `regionOf` says which region a new line joins. Returns the new lines with ids.
 */
function replaceLines(
  project: Project,
  page: PageRow,
  existing: ExistingLine[],
  found: FoundLayout['lines'],
  regionOf: (line: FoundLayout['lines'][number]) => number | null,
  report: SegmentReport,
) {
  const kept = existing.filter((l) => l.labeled);
  const drop = existing.filter((l) => !l.labeled);
  const fresh = found.filter((n) => !repeatsKeptLine(n.polygon, kept));
  // New lines first, old ones archived after: SQLite hands out the highest freed id again, and
  // a new line under a replaced one's id would look to the undo history like that line changed.
  const ids = insertLines(
    project.db,
    page.id,
    fresh.map((l) => ({
      polygon: l.polygon,
      baseline: l.baseline,
      text: null,
      regionId: regionOf(l),
      split: splitForNewLine(page.document_id, page.id, l.polygon),
    })),
    'segmentation',
  );
  for (const l of drop) archiveAndDelete(project, l.id, 'replaced by segmentation');
  report.added += fresh.length;
  report.keptLabeled += kept.length;
  report.removed += drop.length;
  return { kept, added: fresh.map((l, i) => ({ id: ids[i], polygon: l.polygon })) };
}

export async function segmentPages(project: Project, pageIds: number[], o: SegmentOptions = {}): Promise<SegmentReport> {
  const segmenter = o.segmenter ?? (await resolveSegmenter());
  const report = newReport(segmenter);
  const db = project.db;
  for (const pageId of pageIds) {
    const page = pageRow(project, pageId);
    const { data, info } = await grayPage(project, page.image_hash);
    const found = await segmenter.segment({
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    });
    transaction(db, () => {
      const existing = existingLines(project, { pageId });
      const regions = placeRegions(
        project,
        pageId,
        found.regions,
        existing.filter((l) => l.labeled),
      );
      report.regions += found.regions.length;
      const { kept, added } = replaceLines(
        project,
        page,
        existing,
        found.lines,
        (l) => (l.region !== null ? regions.idOf[l.region] : (regionHolding(regions.all, l.polygon)?.id ?? null)),
        report,
      );
      // A kept line in no region joins the one that now holds it.
      for (const k of kept) if (k.regionId === null) setLineRegion(db, k.id, regionHolding(regions.all, k.polygon)?.id ?? null);
      setReadingOrder(
        project,
        readingOrder<Placed>(kept, added, found.ordered).map((l) => l.id),
      );
      orderLinesByRegion(db, pageId);
    });
    report.pages++;
    o.onProgress?.(report.pages, pageIds.length);
  }
  return report;
}

/**
 * Finds lines within one region: its untranscribed lines are replaced by the lines found
 * whose centre it holds. A model looks at the whole page (it was trained on whole pages);
 * the classical segmenter at the region's box only, so ink elsewhere does not shape its lines.
 */
export async function segmentRegion(project: Project, regionId: number, o: SegmentOptions = {}): Promise<SegmentReport> {
  const segmenter = o.segmenter ?? (await resolveSegmenter());
  const report = newReport(segmenter);
  const { pageId, polygon } = regionPolygon(project, regionId);
  const page = pageRow(project, pageId);
  const { data, info } = await grayPage(project, page.image_hash);
  const gray = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  const found = segmenter.name === 'classical' ? await segmentCrop(segmenter, gray, polygon) : await segmenter.segment(gray);
  const inside = found.lines.filter((l) => regionHolding([{ polygon }], l.polygon));
  transaction(project.db, () => {
    const existing = existingLines(project, { regionId });
    const { kept, added } = replaceLines(project, page, existing, inside, () => regionId, report);
    // Within the region: the found order; the page's order then runs region by region.
    setLineOrders(
      project.db,
      readingOrder<Placed>(kept, added, found.ordered).map((l, i) => ({ id: l.id, order: i })),
    );
    orderLinesByRegion(project.db, pageId);
  });
  report.pages = 1;
  return report;
}

/** The classical segmenter on the box around `polygon`, its lines moved back to page coordinates. */
async function segmentCrop(
  segmenter: Segmenter,
  page: { width: number; height: number; data: Uint8Array },
  polygon: Point[],
): Promise<FoundLayout> {
  const b = boundingBox(polygon);
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const w = Math.max(1, Math.min(page.width, b.x + b.w) - x0);
  const h = Math.max(1, Math.min(page.height, b.y + b.h) - y0);
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) data.set(page.data.subarray((y0 + y) * page.width + x0, (y0 + y) * page.width + x0 + w), y * w);
  const found = await segmenter.segment({ width: w, height: h, data });
  const shift = (points: Point[]): Point[] => points.map(([x, y]) => [x + x0, y + y0]);
  return { ...found, lines: found.lines.map((l) => ({ ...l, polygon: shift(l.polygon), baseline: shift(l.baseline) })) };
}
