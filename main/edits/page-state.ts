// What an edit changed on a page, and putting a page back to either side of it. A page's
// state is its lines in reading order, each with its shape, split and current
// transcription row. An edit is kept as the lines it changed (before and after) and the
// reading order on both sides; going back or forth writes only new records: shapes through
// updateLineGeometry (the old one goes to the history), texts by withdrawing or restoring
// transcription rows, lines by archiving or restoring them. Nothing is deleted.
import { archive } from '../db/archive.ts';
import { history } from '../db/history.ts';
import { lines } from '../db/lines.ts';
import { step, type Program } from '../db/ops.ts';
import type { Split } from '../../shared/api.ts';
import { lineEdits } from '../layout/line-edits.ts';
import { lineArchive } from '../layout/line-archive.ts';

export interface LineState {
  id: number;
  polygon: string;
  baseline: string | null;
  split: string;
  /** The current transcription row, null when unlabeled. */
  row: number | null;
}

export interface PageState {
  pageId: number;
  lines: LineState[];
}

/** One page's side of an edit: the changed lines (absent: not on the page) and the whole reading order. */
export interface PageSide {
  lines: Map<number, LineState | undefined>;
  order: number[];
}

export interface PageChange {
  pageId: number;
  before: PageSide;
  after: PageSide;
}

export function* pageState(pageId: number): Program<PageState> {
  return { pageId, lines: yield* step(history.lineStates(pageId)) };
}

const same = (a: LineState | undefined, b: LineState | undefined) =>
  a === b || (!!a && !!b && a.polygon === b.polygon && a.baseline === b.baseline && a.split === b.split && a.row === b.row);

/** The change between two states of a page; null when nothing changed. */
export function diffPage(before: PageState, after: PageState): PageChange | null {
  const b = new Map(before.lines.map((l) => [l.id, l]));
  const a = new Map(after.lines.map((l) => [l.id, l]));
  const changed = [...new Set([...b.keys(), ...a.keys()])].filter((id) => !same(b.get(id), a.get(id)));
  const order = (s: PageState) => s.lines.map((l) => l.id);
  if (changed.length === 0 && order(before).join() === order(after).join()) return null;
  return {
    pageId: before.pageId,
    before: { lines: new Map(changed.map((id) => [id, b.get(id)])), order: order(before) },
    after: { lines: new Map(changed.map((id) => [id, a.get(id)])), order: order(after) },
  };
}

/** Ids as they are now: restoring may give a line or transcription row a new id. */
export interface Ids {
  line(id: number): number;
  row(id: number | null): number | null;
  /** Archive rows holding lines the last step removed, by the line's recorded id. */
  archive(id: number): number | undefined;
  restored(oldLine: number, now: { lineId: number; rows: Map<number, number> }): void;
}

export class EditConflict extends Error {
  override name = 'EditConflict';
}

/**
 * Puts the changed lines of `change` from side `from` to side `to`. Refuses (EditConflict,
 * before writing anything) when a line is no longer as `from` left it: something outside
 * the undo history (segmentation in another window, a terminal, another account) changed it
 * meanwhile.
 */
export function* applySide(change: PageChange, from: PageSide, to: PageSide, ids: Ids, reason: string): Program<void> {
  const now = new Map((yield* pageState(change.pageId)).lines.map((l) => [l.id, l]));
  // Lines the last step removed that are in the archive still (not restored since).
  const archived = new Set<number>();
  for (const id of new Set([...from.lines.keys(), ...to.lines.keys()])) {
    const entry = ids.archive(id);
    if (entry !== undefined && (yield* step(archive.stillArchived(entry)))) archived.add(id);
  }
  const current = (id: number) => {
    // While our line is still in the archive, a line under its id is another one that got the id since.
    if (archived.has(id)) return undefined;
    const l = now.get(ids.line(id));
    return l && { ...l, id };
  };
  const expected = (s: LineState | undefined) => s && { ...s, row: ids.row(s.row) };
  for (const [id, state] of from.lines) {
    if (!same(current(id), expected(state)))
      throw new EditConflict(`a line it touched (id ${id}) on page ${change.pageId} has changed since`);
  }
  for (const [id, target] of to.lines) {
    const here = current(id);
    if (!target) {
      if (here) yield* lineArchive.archiveAndDelete(ids.line(id), reason);
      continue;
    }
    if (!here) {
      const entry = ids.archive(id);
      if (entry === undefined)
        throw new EditConflict(`a line it touched (id ${id}) on page ${change.pageId} is gone and not in the archive`);
      ids.restored(id, yield* lineArchive.restoreArchivedLine(entry));
    }
    yield* setLine(ids.line(id), target, ids);
  }
  // The recorded order; a line added meanwhile by something else keeps a place at the end.
  const present = (yield* pageState(change.pageId)).lines.map((l) => l.id);
  const wanted = to.order.map((id) => ids.line(id)).filter((id) => present.includes(id));
  yield* step(lines.setReadingOrder([...wanted, ...present.filter((id) => !wanted.includes(id))]));
}

function* setLine(lineId: number, target: LineState, ids: Ids): Program<void> {
  const row = (yield* step(history.lineShape(lineId)))!;
  if (row.polygon !== target.polygon || row.baseline !== target.baseline) {
    yield* lineEdits.updateLineGeometry(lineId, JSON.parse(target.polygon), target.baseline ? JSON.parse(target.baseline) : null);
  }
  if (row.split !== target.split) yield* step(lines.setLineSplit(lineId, target.split as Split));
  yield* setCurrentRow(lineId, ids.row(target.row));
}

/**
 * Makes `row` the line's current transcription (null: none): rows after it are withdrawn,
 * and it is brought back if it had been withdrawn. Rows are only ever marked, never removed.
 */
function* setCurrentRow(lineId: number, row: number | null): Program<void> {
  if (row !== null) yield* step(history.unwithdraw(lineId, row));
  yield* step(history.withdrawAfter(lineId, row ?? 0));
}
