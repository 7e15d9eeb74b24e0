// Text region types: PAGE XML's TextRegion @type vocabulary (TextTypeSimpleType of the
// 2019-07-15 schema), which the project stores, the page screen offers and PAGE export writes.
// Other vocabularies (SegmOnto's MainZone / MarginTextZone…, ALTO tags) are mapped to these
// on import (main/io/region-class.ts) and their own names kept beside them.
export const REGION_TYPES = [
  'paragraph',
  'heading',
  'caption',
  'header',
  'footer',
  'page-number',
  'drop-capital',
  'credit',
  'floating',
  'signature-mark',
  'catch-word',
  'marginalia',
  'footnote',
  'footnote-continued',
  'endnote',
  'TOC-entry',
  'list-label',
  'other',
] as const;
export type RegionType = (typeof REGION_TYPES)[number];

export const isRegionType = (name: string): name is RegionType => (REGION_TYPES as readonly string[]).includes(name);

/** How the page screen names a type. */
export const REGION_TYPE_LABELS: Record<RegionType, string> = {
  paragraph: 'main text',
  heading: 'heading',
  caption: 'caption',
  header: 'running header',
  footer: 'footer',
  'page-number': 'page number',
  'drop-capital': 'drop capital',
  credit: 'credit',
  floating: 'floating text',
  'signature-mark': 'signature mark',
  'catch-word': 'catchword',
  marginalia: 'marginal note',
  footnote: 'footnote',
  'footnote-continued': 'footnote (continued)',
  endnote: 'endnote',
  'TOC-entry': 'table of contents entry',
  'list-label': 'list label',
  other: 'other',
};
