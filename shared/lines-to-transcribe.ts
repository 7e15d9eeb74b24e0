// Which lines of a page are there to transcribe: those outside regions excluded from
// transcription (a stamp, a printed header). The server leaves excluded lines out of
// counts, reading, suggestions and training; the page screen uses the same rule to choose
// the line a page opens on and where Ctrl+↓ goes next.
import type { LineView, PageView } from './api.ts';

export function linesToTranscribe(view: Pick<PageView, 'lines' | 'regions'>): LineView[] {
  const excluded = new Set(view.regions.filter((r) => r.excluded).map((r) => r.id));
  return view.lines.filter((l) => l.regionId === null || !excluded.has(l.regionId));
}

/** The first line still to transcribe (unlabeled, not excluded), if any. */
export const firstUnlabeled = (view: Pick<PageView, 'lines' | 'regions'>): LineView | undefined =>
  linesToTranscribe(view).find((l) => l.text === null);

/**
 * The line a page screen shows: the one asked for while it is still on the page (Find lines
 * or an undo may have removed it), else the first line to transcribe, else the first line.
 */
export function lineToShow(view: Pick<PageView, 'lines' | 'regions'>, wanted: number | null): number | null {
  if (wanted !== null && view.lines.some((l) => l.id === wanted)) return wanted;
  return firstUnlabeled(view)?.id ?? view.lines[0]?.id ?? null;
}
