// What an edit changed on a page, and putting a page back to either side of it. A page's
// state is its lines in reading order, each with its shape, split, current transcription
// row and region, and its regions in their order (region-state.ts). An edit is kept as the
// lines and regions it changed (before and after) and both reading orders on both sides;
// going back or forth writes only new records: shapes through updateLineGeometry (the old
// one goes to the history), texts by withdrawing or restoring transcription rows, lines by
// archiving or restoring them. No text is deleted: a region, which holds none, is made
// again from the step's record of it.
import { archive } from '../db/archive.ts';
import { history } from '../db/history.ts';
import { lines } from '../db/lines.ts';
import { regions } from '../db/regions.ts';
import { step, type Program } from '../db/ops.ts';
import type { Split } from '../../shared/api.ts';
import { lineEdits } from '../layout/line-edits.ts';
import { lineArchive } from '../layout/line-archive.ts';
import { EditConflict } from './edit-conflict.ts';
import {
  checkRegions,
  diffRegions,
  dropRegions,
  makeRegions,
  orderRegions,
  regionStates,
  type RegionIds,
  type RegionSide,
  type RegionState,
} from './region-state.ts';

export { EditConflict };

export interface LineState {
  id: number;
  polygon: string;
  baseline: string | null;
  split: string;
  /** The current transcription row, null when unlabeled. */
  row: number | null;
  /** The region it is in, null when none. */
  region: number | null;
}

export interface PageState {
  pageId: number;
  lines: LineState[];
  /** In reading order. */
  regions: RegionState[];
}

/** One page's side of an edit: the changed lines (absent: not on the page) and the whole reading order, and the same of its regions. */
export interface PageSide extends RegionSide {
  lines: Map<number, LineState | undefined>;
  order: number[];
}

export interface PageChange {
  pageId: number;
  before: PageSide;
  after: PageSide;
}

export function* pageState(pageId: number): Program<PageState> {
  return { pageId, lines: yield* step(history.lineStates(pageId)), regions: yield* regionStates(pageId) };
}

const same = (a: LineState | undefined, b: LineState | undefined) =>
  a === b ||
  (!!a && !!b && a.polygon === b.polygon && a.baseline === b.baseline && a.split === b.split && a.row === b.row && a.region === b.region);

/** The change between two states of a page; null when nothing changed. A change of regions only is a change. */
export function diffPage(before: PageState, after: PageState): PageChange | null {
  const b = new Map(before.lines.map((l) => [l.id, l]));
  const a = new Map(after.lines.map((l) => [l.id, l]));
  const changed = [...new Set([...b.keys(), ...a.keys()])].filter((id) => !same(b.get(id), a.get(id)));
  const order = (s: PageState) => s.lines.map((l) => l.id);
  const regions = diffRegions(before.regions, after.regions);
  if (changed.length === 0 && order(before).join() === order(after).join() && !regions) return null;
  const unchanged = (s: PageState): RegionSide => ({ regions: new Map(), regionOrder: s.regions.map((r) => r.id) });
  return {
    pageId: before.pageId,
    before: { lines: new Map(changed.map((id) => [id, b.get(id)])), order: order(before), ...(regions?.before ?? unchanged(before)) },
    after: { lines: new Map(changed.map((id) => [id, a.get(id)])), order: order(after), ...(regions?.after ?? unchanged(after)) },
  };
}

/** Ids as they are now: restoring may give a line or transcription row a new id, and making a region again a region. */
export interface Ids extends RegionIds {
  line(id: number): number;
  row(id: number | null): number | null;
  /** Archive rows holding lines the last step removed, by the line's recorded id. */
  archive(id: number): number | undefined;
  restored(oldLine: number, now: { lineId: number; rows: Map<number, number> }): void;
}

/**
 * Puts the changed lines and regions of `change` from side `from` to side `to`. Refuses
 * (EditConflict, before writing anything) when a line or region is no longer as `from` left
 * it: something outside the undo history (segmentation in another window, a terminal,
 * another account) changed it meanwhile.
 */
export function* applySide(change: PageChange, from: PageSide, to: PageSide, ids: Ids, reason: string): Program<void> {
  const { pageId } = change;
  const state = yield* pageState(pageId);
  const now = new Map(state.lines.map((l) => [l.id, l]));
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
  const expected = (s: LineState | undefined) => s && { ...s, row: ids.row(s.row), region: ids.region(pageId, s.region) };
  for (const [id, line] of from.lines) {
    if (!same(current(id), expected(line))) throw new EditConflict(`a line it touched (id ${id}) on page ${pageId} has changed since`);
  }
  checkRegions(pageId, from, state.regions, ids);
  // Regions first, so that the lines can join them; those to go, once no line of `to` is in them.
  yield* makeRegions(pageId, to, ids);
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
    yield* setLine(pageId, ids.line(id), target, ids);
  }
  yield* dropRegions(pageId, to, ids);
  yield* orderRegions(pageId, to, ids);
  // The recorded order; a line added meanwhile by something else keeps a place at the end.
  const present = (yield* pageState(pageId)).lines.map((l) => l.id);
  const wanted = to.order.map((id) => ids.line(id)).filter((id) => present.includes(id));
  yield* step(lines.setReadingOrder([...wanted, ...present.filter((id) => !wanted.includes(id))]));
}

function* setLine(pageId: number, lineId: number, target: LineState, ids: Ids): Program<void> {
  const row = (yield* step(history.lineShape(lineId)))!;
  if (row.polygon !== target.polygon || row.baseline !== target.baseline) {
    yield* lineEdits.updateLineGeometry(lineId, JSON.parse(target.polygon), target.baseline ? JSON.parse(target.baseline) : null);
  }
  if (row.split !== target.split) yield* step(lines.setLineSplit(lineId, target.split as Split));
  // Its recorded region, made again above if the step removed it. One the step did not touch
  // that has gone since (deleted outside the history) is not set: the line stays where
  // restoring put it (the region holding it) — its id may even be another page's region now.
  const region = ids.region(pageId, target.region);
  if (row.region_id !== region && (region === null || (yield* step(regions.regionOnPage(region, pageId)))))
    yield* step(lines.setLineRegion(lineId, region));
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
