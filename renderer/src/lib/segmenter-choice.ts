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
import { plural } from './words.ts';

const KEY = 'quire-segmenter';

/** The stored choice; a project segmenter's name is kept too (the menu falls back when the project has no such one). */
export function loadSegmenterChoice(): SegmenterName {
  const stored = localStorage.getItem(KEY) ?? '';
  return SEGMENTERS.find((s) => s === stored) ?? (projectSegmenterJob(stored) !== null ? (stored as SegmenterName) : DEFAULT_SEGMENTER);
}

export const saveSegmenterChoice = (choice: SegmenterName) => localStorage.setItem(KEY, choice);

/** A project segmenter as the menu names it: its job and when it finished. */
export const projectSegmenterLabel = (s: Pick<ProjectSegmenter, 'jobId' | 'finishedAt' | 'pages'>) =>
  `Fine-tuned here · job ${s.jobId} · ${s.finishedAt.slice(0, 16).replace('T', ' ')}${s.pages ? ` · ${plural(s.pages, 'page')}` : ''}`;

export function describeSegmentReport(r: SegmentReport): string {
  const found =
    `${plural(r.added, 'line')} found` +
    (r.regions ? ` in ${plural(r.regions, 'region')}` : '') +
    (r.pages > 1 ? ` on ${r.pages} pages` : '');
  const kept = r.keptLabeled
    ? `; ${plural(r.keptLabeled, 'transcribed line')} kept as ${r.keptLabeled === 1 ? 'it was' : 'they were'}`
    : '';
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

/** The status after Find lines: texts typed and not yet saved are saved first (so those lines count as transcribed and stay). */
export const describeFindLines = (savedFirst: number, r: SegmentReport): string =>
  (savedFirst
    ? `${plural(savedFirst, 'unsaved line text')} saved first, so ${savedFirst === 1 ? 'that line was' : 'those lines were'} kept. `
    : '') + describeSegmentReport(r);
