// Region vocabularies. Ground truth names regions in many ways (SegmOnto's MainZone /
// MarginTextZone / NumberingZone…, older eScriptorium projects' "Main", "marginal",
// "header"…, PAGE's own @type). The segmentation model tells three classes apart (main,
// margin, other); the project stores PAGE's TextRegion types (shared/region-types.ts).
import { isRegionType, REGION_TYPES, type RegionType } from '../../shared/region-types.ts';

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

/** The PAGE type a segmentation model's class is stored as. */
export const CLASS_REGION_TYPE: Record<RegionClass, RegionType> = { main: 'paragraph', margin: 'marginalia', other: 'other' };

// SegmOnto zones (https://segmonto.github.io) and names older projects use, by the part
// before any ":subtype" or "#n", lower case.
const NAMED: Array<[RegExp, RegionType]> = [
  [/^(mainzone|main|text|textregion|default|commentary|body|paragraph)$/, 'paragraph'],
  [/^(margintextzone|margin|marginal|marginalia|marginal ?notes?|note)$/, 'marginalia'],
  [/^(numberingzone|page[- ]?number|numbering|folio|foliation|pagination)$/, 'page-number'],
  [/^(runningtitlezone|running ?title|running ?header|header)$/, 'header'],
  [/^(titlepagezone|title|heading|headline)$/, 'heading'],
  [/^(dropcapitalzone|drop[- ]?capital|initial)$/, 'drop-capital'],
  [/^(quiremarkszone|quire ?marks?|signature[- ]?mark)$/, 'signature-mark'],
  [/^(catch[- ]?word)$/, 'catch-word'],
  [/^(footnote|footnotes)$/, 'footnote'],
  [/^(footer)$/, 'footer'],
];

/**
 * The PAGE type for a region name from any of these vocabularies: PAGE's own names as they
 * are, known SegmOnto and older names mapped, an unnamed region main text (paragraph),
 * anything else (stamps, seals, graphics, tables…) "other".
 */
export function regionTypeOf(name: string | undefined): RegionType {
  if (!name || !name.trim()) return 'paragraph';
  const exact = REGION_TYPES.find((t) => t.toLowerCase() === name.trim().toLowerCase());
  if (exact) return exact;
  const base = name.trim().toLowerCase().split(/[:#]/)[0].trim();
  return NAMED.find(([pattern]) => pattern.test(base))?.[1] ?? 'other';
}

/** A region's type and, where the source's own name differs from it, that name (kept for export). */
export function typeAndLabel(name: string | undefined): { type: RegionType; label: string | null } {
  const type = regionTypeOf(name);
  const label = name?.trim() || null;
  return { type, label: label && !(isRegionType(label) && label === type) ? label : null };
}
