// Scores a segmenter on real pages with ground truth: lines matched one-to-one at
// IoU ≥ 0.5 (recall, precision, mean IoU of the matches), baselines with the cBAD-style
// coverage of main/layout/baseline-metrics.ts, and wall-clock time per page. The segmenter
// gets the full-size grayscale scan, as in the app; decoding the file is not timed.
import type { Point } from '../../main/io/layout.ts';
import { scoreBaselines } from '../../main/layout/baseline-metrics.ts';
import { matchLines } from '../../main/layout/line-metrics.ts';
import type { GrayImage } from '../../main/ml/line-image.ts';
import { loadPage, type PageEntry } from './real-pages.ts';

export type Segmenter = (page: GrayImage) => Promise<Array<{ polygon: Point[]; baseline: Point[] }>>;

export interface RealTotals {
  pages: number;
  truth: number;
  found: number;
  matched: number;
  iouSum: number;
  baselineTruth: number;
  baselineTruthCovered: number;
  baselineFound: number;
  baselineFoundCovered: number;
  ms: number;
}

export const emptyTotals = (): RealTotals => ({
  pages: 0,
  truth: 0,
  found: 0,
  matched: 0,
  iouSum: 0,
  baselineTruth: 0,
  baselineTruthCovered: 0,
  baselineFound: 0,
  baselineFoundCovered: 0,
  ms: 0,
});

/** Runs every segmenter on each page (loaded once), adding to one total per segmenter. */
export async function scoreReal(
  entries: PageEntry[],
  segmenters: Record<string, Segmenter>,
  onPage?: (i: number) => void,
): Promise<Record<string, RealTotals>> {
  const totals = Object.fromEntries(Object.keys(segmenters).map((k) => [k, emptyTotals()]));
  for (const [i, entry] of entries.entries()) {
    const page = await loadPage(entry);
    if (!page) continue;
    const truthPolygons = page.lines.map((l) => l.polygon);
    const truthBaselines = page.lines.flatMap((l) => (l.baseline ? [l.baseline] : []));
    for (const [name, segment] of Object.entries(segmenters)) {
      const t0 = performance.now();
      const lines = await segment(page.image);
      const t = totals[name];
      t.ms += performance.now() - t0;
      const m = matchLines(
        lines.map((l) => l.polygon),
        truthPolygons,
      );
      const b = scoreBaselines(
        lines.map((l) => l.baseline),
        truthBaselines,
      );
      t.pages++;
      t.truth += m.truth;
      t.found += m.found;
      t.matched += m.matched;
      t.iouSum += m.iouSum;
      t.baselineTruth += b.truthPoints;
      t.baselineTruthCovered += b.truthCovered;
      t.baselineFound += b.foundPoints;
      t.baselineFoundCovered += b.foundCovered;
    }
    onPage?.(i);
  }
  return totals;
}

const ratio = (a: number, b: number) => (b ? (a / b).toFixed(3) : '–');

/** Recall, precision, mean IoU, baseline recall and baseline precision, as the tables print them. */
export const scoreCells = (t: RealTotals): string[] => [
  ratio(t.matched, t.truth),
  ratio(t.matched, t.found),
  ratio(t.iouSum, t.matched),
  ratio(t.baselineTruthCovered, t.baselineTruth),
  ratio(t.baselineFoundCovered, t.baselineFound),
];

export function realRow(name: string, t: RealTotals): string[] {
  return [name, String(t.pages), String(t.truth), String(t.found), ...scoreCells(t), `${(t.ms / Math.max(1, t.pages)).toFixed(0)} ms`];
}

export const REAL_HEADER = [
  'segmenter',
  'pages',
  'true lines',
  'found',
  'recall',
  'precision',
  'mean IoU',
  'baseline R',
  'baseline P',
  'time/page',
];
