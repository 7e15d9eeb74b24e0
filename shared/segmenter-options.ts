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

export const SEGMENTER_LABELS: Record<SegmenterChoice, string> = {
  bundled: 'Trained model (bundled)',
  classical: 'Classical (no model)',
};
