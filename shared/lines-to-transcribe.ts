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

type Placed = Pick<LineView, 'id' | 'box'>;

/**
 * The line selected after the page was read again, when the one selected before is gone
 * (deleted, merged away, replaced by Find lines): the next line of before that is still
 * there, else the line now nearest to where it was, so the keyboard stays where the person
 * was working rather than jumping back to the line the page opened on.
 */
export function lineAfterEdit(before: readonly Placed[], after: readonly Placed[], selected: number): number | null {
  const still = new Set(after.map((l) => l.id));
  const at = before.findIndex((l) => l.id === selected);
  if (at < 0) return null;
  const next = before.slice(at + 1).find((l) => still.has(l.id));
  if (next) return next.id;
  const gone = before[at].box;
  const centre = (b: Placed['box']) => [b.x + b.w / 2, b.y + b.h / 2];
  const [gx, gy] = centre(gone);
  let best: Placed | null = null;
  let bestDistance = Infinity;
  for (const l of after) {
    const [x, y] = centre(l.box);
    // Rows count more than columns: the line below is nearer than a neighbour column's line at the same height.
    const distance = Math.abs(y - gy) * 4 + Math.abs(x - gx);
    if (distance < bestDistance) [best, bestDistance] = [l, distance];
  }
  return best?.id ?? null;
}
