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
