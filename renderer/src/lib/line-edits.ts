// What the page's line tools do to its lines: add a drawn line, split one (asking how its
// text divides), delete, merge with the next, move in the reading order, save a new shape.
// Each goes through `edit`, which reloads the page and says what happened (or why not);
// the page screen owns the state, this module the rules. No Svelte here, so the rules are
// unit-tested with a fake client.
import type { LineView, Point } from '../../../shared/api.ts';
import type { QuireClient } from '../../../shared/client.ts';
import type { LineShape, ShapeEdit } from '../../../shared/line-shape.ts';

type LineApi = Pick<QuireClient, 'addLine' | 'splitLine' | 'deleteLine' | 'mergeLines' | 'moveLine' | 'updateLineGeometry'>;

export interface LineEditHost {
  api: LineApi;
  pageId: number;
  /** The page's lines as shown now (read again after each edit). */
  lines(): readonly LineView[];
  /**
   * Saves the text typed on the line and not saved yet, if any, and answers the line as it
   * now is. A split, merge or deletion works on saved texts: typing left unsaved would stay
   * whole on one piece of a split, become the text of a merged line that also holds the next
   * line's ink, or go unasked with a deleted line.
   */
  saveDraft(line: LineView): Promise<LineView>;
  selected(): number | null;
  select(lineId: number): void;
  /** Runs `fn`, reloads the page, then shows `what` (or the error). */
  edit(what: string, fn: () => Promise<unknown>): Promise<void>;
  say(status: string): void;
  /** The text with a | where the person splits it, or null when they gave up. */
  askSplit(text: string): Promise<string | null>;
  confirm(question: string): boolean;
}

/** The two texts a marked text stands for, or null when it has no | (nothing to split at). */
export function splitMarked(marked: string): [string, string] | null {
  const at = marked.indexOf('|');
  return at < 0 ? null : [marked.slice(0, at).trim(), marked.slice(at + 1).trim()];
}

/** A line drawn as a box: its baseline at four fifths of its height, where the letters sit. */
export function drawnLine(polygon: Point[]): { polygon: Point[]; baseline: Point[] } {
  const baseY = Math.round(polygon[0][1] + (polygon[2][1] - polygon[0][1]) * 0.8);
  return {
    polygon,
    baseline: [
      [polygon[0][0], baseY],
      [polygon[1][0], baseY],
    ],
  };
}

export function lineEdits(host: LineEditHost) {
  const current = () => host.lines().find((l) => l.id === host.selected()) ?? null;
  /** The line with its typed text saved; null (and why) when that failed: the edit then waits. */
  const saved = async (line: LineView): Promise<LineView | null> => {
    try {
      return await host.saveDraft(line);
    } catch (e) {
      host.say(`Not changed: the text typed on line ${line.order + 1} could not be saved first (${(e as Error).message})`);
      return null;
    }
  };

  return {
    async add(polygon: Point[]) {
      await host.edit('Line added', async () =>
        host.select((await host.api.addLine({ pageId: host.pageId, ...drawnLine(polygon) })).lineId),
      );
    },

    /** Splits the selected line at x; a transcribed line's text is divided by hand (a | marks where). */
    async cut(x: number) {
      const selected = current();
      if (!selected) return;
      const line = await saved(selected);
      if (!line) return;
      let texts: [string, string] | undefined;
      if (line.text !== null) {
        const marked = await host.askSplit(line.text);
        if (marked === null) return;
        const parts = splitMarked(marked);
        if (!parts) return host.say('Not split: no | in the text');
        texts = parts;
      }
      await host.edit('Line split', () => host.api.splitLine({ lineId: line.id, x, texts }));
    },

    async remove() {
      const selected = current();
      if (!selected) return;
      const line = await saved(selected);
      if (!line) return;
      const confirmed =
        line.text === null ||
        host.confirm(`Delete line ${line.order + 1} and its transcription "${line.text}"? (It is kept in the project's archive.)`);
      if (confirmed) await host.edit('Line deleted', () => host.api.deleteLine({ lineId: line.id, confirmed: line.text !== null }));
    },

    async mergeWithNext() {
      const lines = host.lines();
      const line = current();
      const next = line && lines[lines.indexOf(line) + 1];
      if (!line || !next) return;
      if (!(await saved(line)) || !(await saved(next))) return;
      await host.edit('Lines merged', () => host.api.mergeLines({ lineIds: [line.id, next.id] }));
    },

    // A line moves within its region's lines (export nests lines in their region); at its
    // region's edge the move does nothing, which is said.
    async moveBy(delta: number) {
      const line = current();
      if (!line) return;
      await host.edit('Reading order changed', () => host.api.moveLine({ lineId: line.id, order: Math.max(0, line.order + delta) }));
      if (host.lines().find((l) => l.id === line.id)?.order === line.order)
        host.say(
          line.regionId !== null
            ? "Not moved: a line moves among its region's lines (the region tools move a whole region)"
            : 'Not moved: already at the end of the reading order',
        );
    },

    // Shape edits are checked by shared/line-shape.ts before they get here; a refused one
    // says why. Saved through updateLineGeometry, which keeps the old shape in the history.
    async reshape(lineId: number, change: ShapeEdit) {
      if (!change.ok) return host.say(`Shape not changed: ${change.reason}`);
      const { polygon, baseline }: LineShape = change.shape;
      await host.edit(`Line shape saved${change.note ? ` (${change.note})` : ''}`, () =>
        host.api.updateLineGeometry({ lineId, polygon, baseline }),
      );
    },
  };
}
