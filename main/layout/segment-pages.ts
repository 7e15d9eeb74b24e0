// Segmentation of a project's pages, or of one region of a page: runs a segmenter (the
// bundled model unless another is given; see segmenters.ts) on the page's grayscale copy
// and replaces the lines, except that a line carrying a human transcription is never
// removed: it stays, and new lines that are it or a piece of it are dropped. A model's regions are
// written too; page-level region bookkeeping is in segment-regions.ts. The segmenter runs
// outside any transaction (seconds a page); what it found is written by a store-neutral
// program (main/db/ops.ts) in one transaction, on a project folder or, from a team server's
// queue workers (main/queue/find-lines-part.ts), on the server store.
import type { SegmentReport } from '../../shared/api.ts';
import { fitBaseline } from '../../shared/line-shape.ts';
import { lines } from '../db/lines.ts';
import { step, transaction, type Program } from '../db/ops.ts';
import { pages } from '../db/pages.ts';
import { boundingBox, type Point } from '../io/layout.ts';
import { splitForNewLine } from './line-edits.ts';
import { lineArchive } from './line-archive.ts';
import { readingOrder, type Placed } from './reading-order.ts';
import { insertLinesOp } from '../import/insert-lines.ts';
import { grayPage } from '../project/line-images.ts';
import type { Project } from '../project/project.ts';
import { folderStore, type ProjectStore } from '../project/project-store.ts';
import { polygonOverlap } from './line-metrics.ts';
import { resolveSegmenter, type Segmenter } from './segmenters.ts';
import type { FoundLayout } from './found-layout.ts';
import { regionEdits, regionHolding, regionPolygon } from './regions.ts';
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

/**
 * A team server's find-lines job that writes a page (main/queue): the page records it, and
 * the lines it removes are recorded as removed by the account that started it.
 */
export interface FindingJob {
  jobId: number;
  author?: string;
}

/** What writing one page's found lines did (a SegmentReport's counts). */
export type PageCounts = Pick<SegmentReport, 'added' | 'keptLabeled' | 'removed' | 'regions'>;

type PageRow = { id: number; image_hash: string; document_id: number };
type ExistingLine = { id: number; polygon: Point[]; labeled: boolean; regionId: number | null };
type FoundLine = FoundLayout['lines'][number];

function* existingLines(where: { pageId: number } | { regionId: number }): Program<ExistingLine[]> {
  return (yield* step(lines.linesWithLabel(where))).map((r) => ({ ...r, polygon: JSON.parse(r.polygon) as Point[] }));
}

export function newReport(segmenter: Segmenter): SegmentReport {
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

/** Adds a page's counts to a report. */
export function addCounts(report: SegmentReport, counts: PageCounts): void {
  report.added += counts.added;
  report.keptLabeled += counts.keptLabeled;
  report.removed += counts.removed;
  report.regions += counts.regions;
}

/**
 * A found line's baseline held inside its polygon, as the app's shape rules want
 * (shared/line-shape.ts). Segmenters draw the two from different evidence (the baseline from
 * the line map or the ink's bottom, the polygon from the ink around it), so a baseline's ends
 * may pass the polygon's by a few pixels; left so, the first hand edit of the line pulled its
 * baseline in, with a note about a change the person did not make.
 */
function baselineInside(polygon: Point[], baseline: Point[] | null): Point[] | null {
  if (!baseline) return baseline;
  const fit = fitBaseline({ polygon, baseline });
  return fit.ok ? fit.shape.baseline : baseline;
}

/**
 * Replaces the unlabeled lines among `existing` by the found lines that do not overlap a kept
 * (labeled) one, nor one of `staying` (the page's lines outside `existing`, which stay as
 * they are); `regionOf` says which region a new line joins. Returns the new lines with ids.
 */
function* replaceLines(
  page: PageRow,
  existing: ExistingLine[],
  found: FoundLine[],
  regionOf: (line: FoundLine) => number | null,
  counts: PageCounts,
  author?: string,
  staying: ExistingLine[] = [],
) {
  const kept = existing.filter((l) => l.labeled);
  const drop = existing.filter((l) => !l.labeled);
  const fresh = found.filter((n) => !repeatsKeptLine(n.polygon, [...kept, ...staying]));
  const regionIds = fresh.map(regionOf);
  // New lines first, old ones archived after: SQLite hands out the highest freed id again, and
  // a new line under a replaced one's id would look to the undo history like that line changed.
  const ids = yield* insertLinesOp(
    page.id,
    fresh.map((l, i) => ({
      polygon: l.polygon,
      baseline: baselineInside(l.polygon, l.baseline),
      text: null,
      regionId: regionIds[i],
      split: splitForNewLine(page.document_id, page.id, l.polygon),
    })),
    'segmentation',
  );
  for (const l of drop) yield* lineArchive.archiveAndDelete(l.id, 'replaced by segmentation', author);
  counts.added += fresh.length;
  counts.keptLabeled += kept.length;
  counts.removed += drop.length;
  return { kept, added: fresh.map((l, i): Placed => ({ id: ids[i], polygon: l.polygon, region: regionIds[i] })) };
}

/**
 * Writes what the segmenter found on a page, in one transaction: its regions, its new lines
 * in place of the unlabeled ones, the reading order. Answers null, writing nothing, when the
 * page already holds the lines of `job` (a part of the job redone, or the job resumed).
 */
export const writeFoundPage = (pageId: number, found: FoundLayout, job?: FindingJob) =>
  transaction(function* (): Program<PageCounts | null> {
    const page = yield* step(pages.pageForSegmentation(pageId));
    if (!page) throw new Error(`no page ${pageId}`);
    if (job && page.segmented_by_job === job.jobId) return null;
    yield* step(lines.lockPageLines(pageId));
    const existing = yield* existingLines({ pageId });
    const regions = yield* placeRegions(
      pageId,
      found.regions,
      existing.filter((l) => l.labeled),
    );
    const counts: PageCounts = { added: 0, keptLabeled: 0, removed: 0, regions: found.regions.length };
    const { kept, added } = yield* replaceLines(
      page,
      existing,
      found.lines,
      (l) =>
        regionHolding(regions.excluded, l.polygon)?.id ??
        (l.region !== null ? regions.idOf[l.region] : (regionHolding(regions.all, l.polygon)?.id ?? null)),
      counts,
      job?.author,
    );
    const placed: Placed[] = [];
    for (const k of kept) {
      // A kept line in no region joins the one that now holds it.
      const region = k.regionId ?? regionHolding(regions.all, k.polygon)?.id ?? null;
      if (k.regionId === null) yield* step(lines.setLineRegion(k.id, region));
      placed.push({ id: k.id, polygon: k.polygon, region });
    }
    yield* step(lines.setReadingOrder(readingOrder(placed, added, found.ordered).map((l) => l.id)));
    yield* regionEdits.orderLinesByRegion(pageId);
    yield* step(pages.setSegmentedBy(pageId, job?.jobId ?? null));
    return counts;
  });

/** The page's grayscale pixels, as a segmenter takes them. */
async function grayOf(store: ProjectStore, hash: string) {
  const { data, info } = await grayPage(store, hash);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function pageRow(store: ProjectStore, pageId: number): Promise<PageRow> {
  const page = await store.run(pages.pageImage(pageId));
  if (!page) throw new Error(`no page ${pageId}`);
  return page;
}

/**
 * Finds the lines of one page of a project on either store (writeFoundPage); null when the
 * page already holds the lines of `job`.
 */
export async function segmentPageAt(
  store: ProjectStore,
  pageId: number,
  segmenter: Segmenter,
  job?: FindingJob,
): Promise<PageCounts | null> {
  const page = await pageRow(store, pageId);
  const found = await segmenter.segment(await grayOf(store, page.image_hash));
  return store.run(writeFoundPage(pageId, found, job));
}

/**
 * Refuses, before any page is written, ids that are not pages of scanned documents: a
 * missing page would fail the call half way, and a line-image document's page is its one
 * imported line, which segmenting would replace by whatever the segmenter finds on it.
 */
export function* checkSegmentable(pageIds: readonly number[]): Program<void> {
  const kinds = yield* pages.documentKindsOf(pageIds);
  const missing = pageIds.filter((id) => !kinds.has(id));
  if (missing.length) throw new Error(`no page ${missing.join(', ')} in this project`);
  const lineImages = pageIds.filter((id) => kinds.get(id) !== 'scan');
  if (lineImages.length)
    throw new Error(`page ${lineImages.join(', ')} is a line image, not a scanned page: there are no lines to find on it`);
}

export async function segmentPages(project: Project, pageIds: number[], o: SegmentOptions = {}): Promise<SegmentReport> {
  const store = folderStore(project);
  await store.run(checkSegmentable(pageIds));
  const segmenter = o.segmenter ?? (await resolveSegmenter());
  const report = newReport(segmenter);
  for (const pageId of pageIds) {
    addCounts(report, (await segmentPageAt(store, pageId, segmenter))!);
    report.pages++;
    o.onProgress?.(report.pages, pageIds.length);
  }
  return report;
}

/**
 * Writes the lines found in a region (one transaction): its untranscribed lines replaced by
 * those found whose centre it holds. A found line that repeats any other line of the page is
 * dropped too: a line in another region or in none (one straddling the region's edge, or
 * lying in it unassigned) stays, and would otherwise be there twice.
 */
const writeFoundRegion = (page: PageRow, regionId: number, inside: FoundLine[], ordered: boolean, report: SegmentReport) =>
  transaction(function* (): Program<void> {
    const onPage = yield* existingLines({ pageId: page.id });
    const existing = onPage.filter((l) => l.regionId === regionId);
    const staying = onPage.filter((l) => l.regionId !== regionId);
    const { kept, added } = yield* replaceLines(page, existing, inside, () => regionId, report, undefined, staying);
    // Within the region: the found order; the page's order then runs region by region.
    yield* step(lines.setLineOrders(readingOrder<Placed>(kept, added, ordered).map((l, i) => ({ id: l.id, order: i }))));
    yield* regionEdits.orderLinesByRegion(page.id);
  });

/**
 * Finds lines within one region: its untranscribed lines are replaced by the lines found
 * whose centre it holds. A model looks at the whole page (it was trained on whole pages);
 * the classical segmenter at the region's box only, so ink elsewhere does not shape its lines.
 */
export async function segmentRegion(store: ProjectStore, regionId: number, o: SegmentOptions = {}): Promise<SegmentReport> {
  const segmenter = o.segmenter ?? (await resolveSegmenter());
  const report = newReport(segmenter);
  const { pageId, polygon } = await regionPolygon(store.run, regionId);
  const page = await pageRow(store, pageId);
  const gray = await grayOf(store, page.image_hash);
  const found = segmenter.name === 'classical' ? await segmentCrop(segmenter, gray, polygon) : await segmenter.segment(gray);
  const inside = found.lines.filter((l) => regionHolding([{ polygon }], l.polygon));
  await store.run(writeFoundRegion(page, regionId, inside, found.ordered, report));
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
