// The regions of a page in its undo history (page-state.ts keeps the lines). A region holds
// no human text, only an outline, a type (and the source's name for it), whether it is
// excluded from transcription, whether a person made it, and its place in the page's order:
// so a step keeps the regions it changed whole on both sides, and putting a side back makes
// a deleted region again from that record rather than from an archive. Made again, it takes
// its old id when that is free, else a new one, which later steps follow (Ids.region). Which
// region each line is in is part of the line's state (LineState.region).
import { history } from '../db/history.ts';
import { step, type Program } from '../db/ops.ts';
import { regions, type RegionRecord } from '../db/regions.ts';
import { EditConflict } from './edit-conflict.ts';

export interface RegionState extends RegionRecord {
  id: number;
}

/** One page's regions on one side of an edit: those the edit changed (absent: not on the page), and the whole order. */
export interface RegionSide {
  regions: Map<number, RegionState | undefined>;
  regionOrder: number[];
}

/** Region ids as they are now, per page: a region made again may have a new id. */
export interface RegionIds {
  region(pageId: number, id: number | null): number | null;
  remade(pageId: number, old: number, now: number): void;
}

export function* regionStates(pageId: number): Program<RegionState[]> {
  return yield* step(history.regionStates(pageId));
}

export const sameRegion = (a: RegionState | undefined, b: RegionState | undefined) =>
  a === b ||
  (!!a &&
    !!b &&
    a.polygon === b.polygon &&
    a.type === b.type &&
    a.label === b.label &&
    a.excluded === b.excluded &&
    a.by_hand === b.by_hand);

/** The regions' sides of the change between two states of a page; null when no region and not their order changed. */
export function diffRegions(before: RegionState[], after: RegionState[]): { before: RegionSide; after: RegionSide } | null {
  const b = new Map(before.map((r) => [r.id, r]));
  const a = new Map(after.map((r) => [r.id, r]));
  const changed = [...new Set([...b.keys(), ...a.keys()])].filter((id) => !sameRegion(b.get(id), a.get(id)));
  const order = (s: RegionState[]) => s.map((r) => r.id);
  if (changed.length === 0 && order(before).join() === order(after).join()) return null;
  const side = (m: Map<number, RegionState>, s: RegionState[]): RegionSide => ({
    regions: new Map(changed.map((id) => [id, m.get(id)])),
    regionOrder: order(s),
  });
  return { before: side(b, before), after: side(a, after) };
}

/** The page's region now under a recorded id, undefined when the page has none under it (wherever its id went). */
function lookup(pageId: number, now: RegionState[], ids: RegionIds) {
  const present = new Map(now.map((r) => [r.id, r]));
  return (id: number) => present.get(ids.region(pageId, id)!);
}

/** Refuses (EditConflict) when a region the step changed is no longer as side `from` left it. */
export function checkRegions(pageId: number, from: RegionSide, now: RegionState[], ids: RegionIds): void {
  const current = lookup(pageId, now, ids);
  for (const [id, state] of from.regions) {
    const here = current(id);
    if (!sameRegion(here && { ...here, id }, state))
      throw new EditConflict(`a region it touched (id ${id}) on page ${pageId} has changed since`);
  }
}

/**
 * Makes the regions side `to` holds as it recorded them: changed back, or made again where
 * they are gone. Run before the lines are put back, which may join them; those `to` lacks
 * are removed after (dropRegions), once no line of `to` is in them.
 */
export function* makeRegions(pageId: number, to: RegionSide, ids: RegionIds): Program<void> {
  const current = lookup(pageId, yield* regionStates(pageId), ids);
  for (const [id, target] of to.regions) {
    if (!target) continue;
    const here = current(id);
    if (here) {
      if (!sameRegion({ ...here, id }, target)) yield* step(regions.setRegionState(here.id, target));
      continue;
    }
    // Its id as it was last made, when no region (of any page: SQLite hands freed ids out again) took it since.
    const wanted = ids.region(pageId, id)!;
    const free = !(yield* step(regions.regionIdTaken(wanted)));
    const made = yield* step(regions.insertRegionState(pageId, target, to.regionOrder.indexOf(id), free ? wanted : undefined));
    if (made !== wanted) ids.remade(pageId, wanted, made);
  }
}

/** Removes the regions side `to` lacks (their lines, if any are left, stay on the page in no region). */
export function* dropRegions(pageId: number, to: RegionSide, ids: RegionIds): Program<void> {
  const current = lookup(pageId, yield* regionStates(pageId), ids);
  for (const [id, target] of to.regions) {
    const here = current(id);
    if (!target && here) yield* step(regions.deleteRegionRow(here.id));
  }
}

/** The recorded order of the regions; one added meanwhile by something else keeps a place at the end. */
export function* orderRegions(pageId: number, to: RegionSide, ids: RegionIds): Program<void> {
  const present = (yield* regionStates(pageId)).map((r) => r.id);
  const wanted = to.regionOrder.map((id) => ids.region(pageId, id)!).filter((id) => present.includes(id));
  yield* step(regions.renumberRegions([...wanted, ...present.filter((id) => !wanted.includes(id))]));
}
