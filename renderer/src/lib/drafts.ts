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

/**
 * Text typed on a line and not saved yet (new text, or a change to its saved text), or null.
 * A blank draft is none: clearing a line's text is not a transcription.
 */
export function pendingDraft(
  line: { id: number; text: string | null },
  storage: Pick<Storage, 'getItem'>,
  project = projectKey(),
): string | null {
  const draft = storage.getItem(draftKey(line.id, project));
  return draft !== null && draft.trim() !== '' && draft !== (line.text ?? '') ? draft : null;
}

/** Whether the project has any draft in storage (so that pages need looking at before Find lines). */
export function hasDrafts(storage: Pick<globalThis.Storage, 'length' | 'key'>, project = projectKey()): boolean {
  const prefix = draftKey(0, project).slice(0, -1);
  for (let i = 0; i < storage.length; i++) if (storage.key(i)?.startsWith(prefix)) return true;
  return false;
}

/**
 * Before Find lines on these pages: the drafts typed on their untranscribed lines are saved
 * (those lines are then kept) and dropped from storage. Answers how many were saved.
 */
export async function saveDraftsOfPages(
  pageIds: readonly number[],
  api: {
    getPage(r: { pageId: number }): Promise<{ lines: ReadonlyArray<{ id: number; text: string | null }> }>;
    saveTranscription(r: { lineId: number; text: string }): Promise<unknown>;
  },
  storage: Storage & Pick<globalThis.Storage, 'length' | 'key'>,
  project = projectKey(),
): Promise<number> {
  if (!hasDrafts(storage, project)) return 0;
  let saved = 0;
  for (const pageId of pageIds) {
    for (const d of unsavedDrafts((await api.getPage({ pageId })).lines, storage, project)) {
      await api.saveTranscription(d);
      storage.removeItem(draftKey(d.lineId, project));
      saved++;
    }
  }
  return saved;
}
