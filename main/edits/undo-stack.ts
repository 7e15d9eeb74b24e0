// A project's undo history: every hand edit of its pages (text, shape, split, merge, delete,
// drawn line, reading order, finding lines, and the regions: drawn, retyped, excluded,
// deleted, moved, their lines sorted) is recorded as what it changed, and undo or redo puts
// those lines and regions back through records of their own (see page-state.ts,
// region-state.ts): an undo is itself an edit, logged in undo_log, and no transcription,
// shape or line is ever deleted by it.
//
// It lives in the main process, one per open project, for as long as the app runs: edits
// are applied there, so the history cannot drift from the database; it outlasts a reload
// of the page (browser mode) and is the same for every window on the project. A team server
// keeps one per account (UndoHistories.perAccount): an account undoes its own edits, and
// one of its steps that another account's edit has changed since is refused (EditConflict).
// Its reads and writes are store-neutral programs (main/db/ops.ts), run on either store.
import type { AppliedEdit, UndoState } from '../../shared/workbench-api.ts';
import { archive } from '../db/archive.ts';
import { history } from '../db/history.ts';
import { step, transaction, type Program, type Runner } from '../db/ops.ts';
import { authorName } from '../project/author.ts';
import { lineArchive, type RestoredLine } from '../layout/line-archive.ts';
import { Serial } from './serial.ts';
import { applySide, diffPage, EditConflict, pageState, type Ids, type PageChange, type PageState } from './page-state.ts';

interface Step {
  label: string;
  changes: PageChange[];
  /** Where the lines the last move removed went in the archive, by their recorded id. */
  archives: Map<number, number>;
}

/** Old steps beyond this are forgotten (each holds a few lines and two reading orders). */
const LIMIT = 500;

const follow = (aliases: Map<number, number>, id: number) => {
  for (let hops = 0; aliases.has(id) && hops < 1000; hops++) id = aliases.get(id)!;
  return id;
};

function* pageStates(pageIds: number[]): Program<PageState[]> {
  const states: PageState[] = [];
  for (const id of pageIds) states.push(yield* pageState(id));
  return states;
}

export class UndoStack {
  /**
   * `queue`: the page edits, undo and redo, one at a time (the history lives as long as the
   * project is open). A team server's accounts each have their own stack and share one queue.
   */
  constructor(readonly queue = new Serial()) {}

  private done: Step[] = [];
  private undone: Step[] = [];
  /** Ids that changed when a line came back from the archive: old → new. */
  private readonly lines = new Map<number, number>();
  private readonly rows = new Map<number, number>();
  /**
   * Regions made again under a new id (theirs was taken): old → new, per page, so that a
   * region of another page that took the old id is never taken for it.
   */
  private readonly regions = new Map<number, Map<number, number>>();

  /**
   * Runs an edit of the given pages and records what it changed (nothing when it changes
   * nothing). A new edit clears what could be redone. An edit that fails is not recorded;
   * where it changed a page before failing (finding lines commits page by page), that page's
   * history is dropped, so that no older step is put back over the half-done edit.
   */
  async record<T>(run: Runner, label: string, pageIds: number[], edit: () => T | Promise<T>): Promise<T> {
    const ids = [...new Set(pageIds)];
    const before = await run(pageStates(ids));
    const mark = await run(archive.lastArchiveId());
    let result: T;
    try {
      result = await edit();
    } catch (error) {
      const after = await run(pageStates(ids));
      this.forget(before.filter((b, i) => diffPage(b, after[i]) !== null).map((b) => b.pageId));
      throw error;
    }
    const after = await run(pageStates(ids));
    const changes = before.map((b, i) => diffPage(b, after[i])).filter((c): c is PageChange => c !== null);
    const archives = await run(lineArchive.archivedSince(mark));
    // A line archived by the edit whose id a new line then took would be recorded as one line
    // changed, which could never be undone: such an edit (none should do it) is not recorded,
    // and the history of its pages is dropped rather than left to apply over it.
    if (changes.some((c) => [...c.after.lines].some(([id, line]) => line && archives.has(id)))) this.forget(changes.map((c) => c.pageId));
    else if (changes.length) {
      this.done.push({ label, changes, archives });
      if (this.done.length > LIMIT) this.done.shift();
      this.undone = [];
    }
    return result;
  }

  state(): UndoState {
    return { undo: this.done.at(-1)?.label ?? null, redo: this.undone.at(-1)?.label ?? null };
  }

  /** Undoes the last step: a program for either store, answering what it put back (null: nothing to undo). */
  undo(): Program<AppliedEdit | null> {
    return this.move(this.done, this.undone, 'undo');
  }

  redo(): Program<AppliedEdit | null> {
    return this.move(this.undone, this.done, 'redo');
  }

  /** Forgets the steps on these pages (they were changed by something that is not recorded). */
  forget(pageIds: number[]): void {
    const touches = (s: Step) => s.changes.some((c) => pageIds.includes(c.pageId));
    this.done = this.done.filter((s) => !touches(s));
    this.undone = this.undone.filter((s) => !touches(s));
  }

  private *move(from: Step[], to: Step[], action: 'undo' | 'redo'): Program<AppliedEdit | null> {
    const edit = from.pop();
    if (!edit) return null;
    const lines = new Map<number, number>();
    const rows = new Map<number, number>();
    const regions = new Map<number, Map<number, number>>();
    const aliases = (of: Map<number, Map<number, number>>, pageId: number) => of.get(pageId) ?? new Map<number, number>();
    const ids: Ids = {
      line: (id) => follow(lines, follow(this.lines, id)),
      row: (id) => (id === null ? null : follow(rows, follow(this.rows, id))),
      region: (pageId, id) => (id === null ? null : follow(aliases(regions, pageId), follow(aliases(this.regions, pageId), id))),
      remade: (pageId, old, now) => regions.set(pageId, aliases(regions, pageId).set(old, now)),
      archive: (id) => edit.archives.get(id),
      restored: (old, now: RestoredLine) => {
        const was = ids.line(old);
        if (now.lineId !== was) lines.set(was, now.lineId);
        for (const [a, b] of now.rows) rows.set(a, b);
      },
    };
    const changes = action === 'undo' ? [...edit.changes].reverse() : edit.changes;
    const author = authorName();
    try {
      yield* step(
        transaction(function* () {
          const mark = yield* step(archive.lastArchiveId());
          for (const c of changes) {
            const [source, target] = action === 'undo' ? [c.after, c.before] : [c.before, c.after];
            yield* applySide(c, source, target, ids, `${action}: ${edit.label}`);
          }
          const archived = yield* lineArchive.archivedSince(mark);
          const recorded = changes.flatMap((c) => [...c.before.lines.keys()]);
          edit.archives = new Map(recorded.filter((id) => archived.has(ids.line(id))).map((id) => [id, archived.get(ids.line(id))!]));
          const touched = changes.map((c) => ({
            page: c.pageId,
            lines: [...c.before.lines.keys()].map(ids.line),
            regions: [...c.before.regions.keys()].map((id) => ids.region(c.pageId, id)),
          }));
          yield* step(history.logUndo(action, edit.label, touched, author));
        }),
      );
    } catch (error) {
      // Nothing was written (the transaction rolled back). Left on the stack, the step would
      // fail the same way again and stand in front of every older one for ever: it is dropped.
      const why = error instanceof EditConflict ? `${error.message} by something outside this window's history` : (error as Error).message;
      throw new Error(`cannot ${action} “${edit.label}”: ${why}; that step is dropped, the page stays as it is`);
    }
    for (const [a, b] of lines) this.lines.set(a, b);
    for (const [a, b] of rows) this.rows.set(a, b);
    for (const [page, made] of regions) for (const [a, b] of made) this.regions.set(page, aliases(this.regions, page).set(a, b));
    to.push(edit);
    const [first] = edit.changes;
    const present = new Set((yield* pageState(first.pageId)).lines.map((l) => l.id));
    const touched = [...first.before.lines.keys()].map((id) => follow(this.lines, id)).find((id) => present.has(id)) ?? null;
    return { label: edit.label, pageId: first.pageId, lineId: touched };
  }
}

/** The undo history each call works on, and what an edit outside every history drops. */
export interface UndoHistories {
  /** The edits, undo and redo of the project, one at a time. */
  readonly queue: Serial;
  /** The caller's history. */
  of(): UndoStack;
  /** Forgets the steps on these pages in every history (they were changed by something not recorded). */
  forget(pageIds: number[]): void;
}

export const UndoHistories = {
  /** The desktop's: one history for the project, whoever edits. */
  single: (stack: UndoStack): UndoHistories => ({ queue: stack.queue, of: () => stack, forget: (pageIds) => stack.forget(pageIds) }),

  /**
   * A team server's: one history per account (the signed-in caller, authorName), kept in this
   * process. One queue for all, so that no other account's edit comes between an edit's
   * before and after (it would be recorded as part of it).
   */
  perAccount(): UndoHistories {
    const queue = new Serial();
    const stacks = new Map<string, UndoStack>();
    return {
      queue,
      of() {
        const name = authorName();
        let stack = stacks.get(name);
        if (!stack) stacks.set(name, (stack = new UndoStack(queue)));
        return stack;
      },
      forget: (pageIds) => stacks.forEach((s) => s.forget(pageIds)),
    };
  },
};
