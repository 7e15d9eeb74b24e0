// The few kinds of text region Quire's segmenter tells apart. Ground truth names regions
// in many vocabularies (SegmOnto's MainZone / MarginTextZone / NumberingZone…, older
// eScriptorium projects' "Main", "marginal", "header"…); they fold into three classes.
export type RegionClass = 'main' | 'margin' | 'other';

export const REGION_CLASSES: readonly RegionClass[] = ['main', 'margin', 'other'];

/** The class of a region type; an untyped region is main text. */
export function regionClass(type: string | undefined): RegionClass {
  if (!type) return 'main';
  const t = type.toLowerCase();
  if (/^margin|marginal/.test(t)) return 'margin';
  if (/^(main|text|paragraph|default|commentary)/.test(t)) return 'main';
  return 'other';
}

/** The SegmOnto name written to PAGE/ALTO for a class. */
export const SEGMONTO_TYPE: Record<RegionClass, string> = { main: 'MainZone', margin: 'MarginTextZone', other: 'CustomZone' };
