// A project's undo history: every hand edit of its pages (text, shape, split, merge, delete,
// drawn line, reading order, finding lines) is recorded as what it changed, and undo or redo
// puts those lines back through records of their own (see page-state.ts): an undo is itself
// an edit, logged in undo_log, and no transcription, shape or line is ever deleted by it.
//
// It lives in the main process, one per open project, for as long as the app runs: edits
// are applied there, so the history cannot drift from the database; it outlasts a reload
// of the page (browser mode) and is the same for every window on the project.
import type { AppliedEdit, UndoState } from '../../shared/workbench-api.ts';
import { stillArchived } from '../db/archive.ts';
import { transaction } from '../db/execute.ts';
import { logUndo } from '../db/history.ts';
import { authorName } from '../project/author.ts';
import type { Project } from '../project/project.ts';
import { archivedSince, lastArchiveId, type RestoredLine } from '../layout/line-archive.ts';
import { Serial } from './serial.ts';
import { applySide, diffPage, EditConflict, pageState, type Ids, type PageChange } from './page-state.ts';

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

export class UndoStack {
  /** The project's page edits, undo and redo, one at a time (the history lives as long as the project is open). */
  readonly queue = new Serial();
  private done: Step[] = [];
  private undone: Step[] = [];
  /** Ids that changed when a line came back from the archive: old → new. */
  private readonly lines = new Map<number, number>();
  private readonly rows = new Map<number, number>();

  /**
   * Runs an edit of the given pages and records what it changed (nothing when it changes
   * nothing). A new edit clears what could be redone. An edit that fails is not recorded;
   * where it changed a page before failing (finding lines commits page by page), that page's
   * history is dropped, so that no older step is put back over the half-done edit.
   */
  async record<T>(project: Project, label: string, pageIds: number[], edit: () => T | Promise<T>): Promise<T> {
    const before = [...new Set(pageIds)].map((id) => pageState(project, id));
    const mark = lastArchiveId(project);
    let result: T;
    try {
      result = await edit();
    } catch (error) {
      this.forget(before.filter((b) => diffPage(b, pageState(project, b.pageId)) !== null).map((b) => b.pageId));
      throw error;
    }
    const changes = before.map((b) => diffPage(b, pageState(project, b.pageId))).filter((c): c is PageChange => c !== null);
    const archives = archivedSince(project, mark);
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

  undo(project: Project): AppliedEdit | null {
    return this.move(project, this.done, this.undone, 'undo');
  }

  redo(project: Project): AppliedEdit | null {
    return this.move(project, this.undone, this.done, 'redo');
  }

  /** Forgets the steps on these pages (they were changed by something that is not recorded). */
  forget(pageIds: number[]): void {
    const touches = (s: Step) => s.changes.some((c) => pageIds.includes(c.pageId));
    this.done = this.done.filter((s) => !touches(s));
    this.undone = this.undone.filter((s) => !touches(s));
  }

  private move(project: Project, from: Step[], to: Step[], action: 'undo' | 'redo'): AppliedEdit | null {
    const step = from.pop();
    if (!step) return null;
    const lines = new Map<number, number>();
    const rows = new Map<number, number>();
    const ids: Ids = {
      line: (id) => follow(lines, follow(this.lines, id)),
      row: (id) => (id === null ? null : follow(rows, follow(this.rows, id))),
      archive: (id) => step.archives.get(id),
      archived: (id) => {
        const archive = step.archives.get(id);
        return archive !== undefined && stillArchived(project.db, archive);
      },
      restored: (old, now: RestoredLine) => {
        const was = ids.line(old);
        if (now.lineId !== was) lines.set(was, now.lineId);
        for (const [a, b] of now.rows) rows.set(a, b);
      },
    };
    const changes = action === 'undo' ? [...step.changes].reverse() : step.changes;
    try {
      transaction(project.db, () => {
        const mark = lastArchiveId(project);
        for (const c of changes) {
          const [source, target] = action === 'undo' ? [c.after, c.before] : [c.before, c.after];
          applySide(project, c, source, target, ids, `${action}: ${step.label}`);
        }
        const archived = archivedSince(project, mark);
        const recorded = changes.flatMap((c) => [...c.before.lines.keys()]);
        step.archives = new Map(recorded.filter((id) => archived.has(ids.line(id))).map((id) => [id, archived.get(ids.line(id))!]));
        logUndo(
          project.db,
          action,
          step.label,
          changes.map((c) => ({ page: c.pageId, lines: [...c.before.lines.keys()].map(ids.line) })),
          authorName(),
        );
      });
    } catch (error) {
      // Nothing was written (the transaction rolled back). Left on the stack, the step would
      // fail the same way again and stand in front of every older one for ever: it is dropped.
      const why = error instanceof EditConflict ? `${error.message} by something outside this window's history` : (error as Error).message;
      throw new Error(`cannot ${action} “${step.label}”: ${why}; that step is dropped, the page stays as it is`);
    }
    for (const [a, b] of lines) this.lines.set(a, b);
    for (const [a, b] of rows) this.rows.set(a, b);
    to.push(step);
    const [first] = step.changes;
    const present = new Set(pageState(project, first.pageId).lines.map((l) => l.id));
    const touched = [...first.before.lines.keys()].map((id) => follow(this.lines, id)).find((id) => present.has(id)) ?? null;
    return { label: step.label, pageId: first.pageId, lineId: touched };
  }
}
