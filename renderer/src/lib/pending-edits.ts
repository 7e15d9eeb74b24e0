// Saves run in the background while the cursor moves on; an undo must wait for them, or
// it would undo the edit before the one the person just made.
let pending: Promise<unknown> = Promise.resolve();

/** Registers an edit in flight; returns it unchanged. */
export function trackEdit<T>(edit: Promise<T>): Promise<T> {
  pending = Promise.all([pending, edit.catch(() => {})]);
  return edit;
}

/** Resolves once every edit registered so far has finished (or failed). */
export const editsSettled = () => pending.then(() => {});
