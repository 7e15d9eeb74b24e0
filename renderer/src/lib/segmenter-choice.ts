// The segmenter "Find lines" uses, as the person last chose it (kept in this browser's
// storage), and how a segmentation's report reads in the status line: which segmenter ran,
// and why the classical one stood in for the model where it did.
import type { SegmentReport } from '../../../shared/api.ts';
import type { ProjectSegmenter } from '../../../shared/workbench-api.ts';
import {
  DEFAULT_SEGMENTER,
  projectSegmenterJob,
  SEGMENTER_LABELS,
  SEGMENTERS,
  type SegmenterName,
} from '../../../shared/segmenter-options.ts';

const KEY = 'quire-segmenter';

/** The stored choice; a project segmenter's name is kept too (the menu falls back when the project has no such one). */
export function loadSegmenterChoice(): SegmenterName {
  const stored = localStorage.getItem(KEY) ?? '';
  return SEGMENTERS.find((s) => s === stored) ?? (projectSegmenterJob(stored) !== null ? (stored as SegmenterName) : DEFAULT_SEGMENTER);
}

export const saveSegmenterChoice = (choice: SegmenterName) => localStorage.setItem(KEY, choice);

/** A project segmenter as the menu names it: its job and when it finished. */
export const projectSegmenterLabel = (s: Pick<ProjectSegmenter, 'jobId' | 'finishedAt' | 'pages'>) =>
  `Fine-tuned here · job ${s.jobId} · ${s.finishedAt.slice(0, 16).replace('T', ' ')}${s.pages ? ` · ${s.pages} pages` : ''}`;

export function describeSegmentReport(r: SegmentReport): string {
  const found = `${r.added} lines found` + (r.regions ? ` in ${r.regions} regions` : '') + (r.pages > 1 ? ` on ${r.pages} pages` : '');
  const kept = r.keptLabeled ? `; ${r.keptLabeled} transcribed lines kept as they were` : '';
  const name = SEGMENTERS.find((s) => s === r.segmenter);
  const job = projectSegmenterJob(r.segmenter);
  const by = r.fallback
    ? `classical segmenter: ${r.fallback}`
    : name
      ? SEGMENTER_LABELS[name]
      : job !== null
        ? `segmenter fine-tuned by job ${job}`
        : r.segmenter;
  return `${found}${kept} (${by})`;
}
