// The sizes a page scan is shown at. A 6000×8000 scan is 48 megapixels: the page view
// shows a copy no larger than the screen needs — chosen from the zoom and the device pixel
// ratio — and the full scan only when zoomed in beyond the largest copy. The copies are
// made by the server on first request (main/images/preview.ts); the sizes are shared so
// the renderer knows each copy's width without asking.

/** Copies at most this many pixels on the long side, smallest first. */
export const PREVIEW_LEVELS = [
  { variant: 'preview-small', size: 1200 },
  { variant: 'preview', size: 2400 },
  { variant: 'preview-large', size: 4800 },
] as const;

export type PreviewVariant = (typeof PREVIEW_LEVELS)[number]['variant'];
export type ScanLevel = PreviewVariant | 'page';

/** A copy's width: the page fitted inside size×size, never enlarged (sharp's fit: 'inside'). */
export function levelWidth(page: { width: number; height: number }, level: ScanLevel): number {
  if (level === 'page') return page.width;
  const size = PREVIEW_LEVELS.find((l) => l.variant === level)!.size;
  const factor = Math.min(1, size / page.width, size / page.height);
  return Math.max(1, Math.round(page.width * factor));
}

/**
 * The smallest copy with at least `deviceWidth` pixels across the page — the page's width
 * on screen times the device pixel ratio — else the full scan. A copy as large as the scan
 * itself is the scan: no copy is ever chosen over it at the same size.
 */
export function chooseLevel(page: { width: number; height: number }, deviceWidth: number): ScanLevel {
  for (const { variant } of PREVIEW_LEVELS) {
    const width = levelWidth(page, variant);
    if (width >= page.width) return 'page';
    if (width >= deviceWidth) return variant;
  }
  return 'page';
}
