// The segmenters "Find lines" offers, named once: the API schema (shared/api.ts), the CLI's
// --model choices and the page screen's menu read this list, so the app and `quire segment`
// mean the same thing by each name. The CLI also takes the path of a .qseg file.
//
// bundled: the trained segmentation model shipped with Quire (resources/models/segmenter.qseg),
// the default; where it is missing or cannot be loaded the classical segmenter runs instead
// and the report says so. classical: binarisation and projection profiles, no model.
export const SEGMENTERS = ['bundled', 'classical'] as const;
export type SegmenterChoice = (typeof SEGMENTERS)[number];

export const DEFAULT_SEGMENTER: SegmenterChoice = 'bundled';

/**
 * A segmenter fine-tuned in this project (`quire train-segmenter`, or a Segmenter job in the
 * Training panel) is named by its job: "project:<jobId>". The server resolves the name to
 * <project>/segmenters/job-<id>.qseg of a finished job, so a window never names a file path.
 */
export const PROJECT_SEGMENTER_PATTERN = /^project:([1-9][0-9]{0,9})$/;
export type ProjectSegmenterChoice = `project:${number}`;
/** Any segmenter a window may ask for. */
export type SegmenterName = SegmenterChoice | ProjectSegmenterChoice;

export const projectSegmenterChoice = (jobId: number): ProjectSegmenterChoice => `project:${jobId}`;

/** The job of a project segmenter's name, or null for another name. */
export function projectSegmenterJob(name: string): number | null {
  const m = PROJECT_SEGMENTER_PATTERN.exec(name);
  return m ? Number(m[1]) : null;
}

export const SEGMENTER_LABELS: Record<SegmenterChoice, string> = {
  bundled: 'Trained model (bundled)',
  classical: 'Classical (no model)',
};
