// The segmenter "Find lines" uses, as the person last chose it (kept in this browser's
// storage), and how a segmentation's report reads in the status line: which segmenter ran,
// and why the classical one stood in for the model where it did.
import type { SegmentReport } from '../../../shared/api.ts';
import { DEFAULT_SEGMENTER, SEGMENTER_LABELS, SEGMENTERS, type SegmenterChoice } from '../../../shared/segmenter-options.ts';

const KEY = 'quire-segmenter';

export function loadSegmenterChoice(): SegmenterChoice {
  const stored = localStorage.getItem(KEY);
  return SEGMENTERS.find((s) => s === stored) ?? DEFAULT_SEGMENTER;
}

export const saveSegmenterChoice = (choice: SegmenterChoice) => localStorage.setItem(KEY, choice);

export function describeSegmentReport(r: SegmentReport): string {
  const found = `${r.added} lines found` + (r.regions ? ` in ${r.regions} regions` : '') + (r.pages > 1 ? ` on ${r.pages} pages` : '');
  const kept = r.keptLabeled ? `; ${r.keptLabeled} transcribed lines kept as they were` : '';
  const name = SEGMENTERS.find((s) => s === r.segmenter);
  const by = r.fallback ? `classical segmenter: ${r.fallback}` : name ? SEGMENTER_LABELS[name] : r.segmenter;
  return `${found}${kept} (${by})`;
}
