// Unsaved drafts of line texts, kept in localStorage so a reload does not lose typing. They
// are keyed by project and line id; line ids are reused once a line is gone (deleted,
// merged, replaced by Find lines), so a draft is dropped when its line leaves the page, and
// never turns up on a later line that took the same id.
import { projectKey } from './current-project.ts';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const draftKey = (lineId: number, project = projectKey()) => `quire.draft.${project}.${lineId}`;

/** Drops the drafts of the lines that were on the page before and are not any more. */
export function forgetVanishedDrafts(before: readonly number[], after: readonly number[], storage: Storage, project = projectKey()): void {
  const still = new Set(after);
  for (const id of before) if (!still.has(id)) storage.removeItem(draftKey(id, project));
}

/**
 * Text typed on untranscribed lines and not saved yet: Find lines replaces such lines, and
 * their drafts with them, so the page saves these first (the lines are then kept).
 */
export function unsavedDrafts(
  lines: ReadonlyArray<{ id: number; text: string | null }>,
  storage: Pick<Storage, 'getItem'>,
  project = projectKey(),
): Array<{ lineId: number; text: string }> {
  return lines.flatMap((l) => {
    const draft = l.text === null ? storage.getItem(draftKey(l.id, project)) : null;
    return draft !== null && draft.trim() !== '' ? [{ lineId: l.id, text: draft }] : [];
  });
}
