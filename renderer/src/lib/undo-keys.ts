// Which key presses undo or redo a saved edit. Ctrl+Z (⌘Z) undoes, Ctrl+Shift+Z and Ctrl+Y
// redo; but in a text field with unsaved typing, and in every other input, the keys belong
// to the field's own undo, so a saved edit is never undone by surprise.
export type UndoAction = 'undo' | 'redo';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** A key pressed while an input method composes (Japanese, Chinese…): it belongs to the composition. */
  isComposing?: boolean;
}

/** Whether a key press belongs to an input method's composition (keyCode 229: browsers that do not set isComposing). */
export const composing = (e: { isComposing?: boolean; keyCode?: number }) => e.isComposing === true || e.keyCode === 229;

/** `field`: the focused text field, if any, and whether it holds typing not yet saved. */
export function undoAction(e: KeyLike, field: { unsaved: boolean } | null): UndoAction | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || composing(e)) return null;
  const key = e.key.toLowerCase();
  const action = key === 'z' ? (e.shiftKey ? 'redo' : 'undo') : key === 'y' && !e.shiftKey ? 'redo' : null;
  if (!action || field?.unsaved) return null;
  return action;
}

/**
 * The field as undo sees it: the transcription field (data-saved holds its saved text)
 * has unsaved typing when its value differs; any other editable element always counts as
 * unsaved (its own undo wins); elsewhere there is no field.
 */
export function fieldState(target: EventTarget | null): { unsaved: boolean } | null {
  const el = target as HTMLInputElement | null;
  if (!el || !('tagName' in el)) return null;
  if (el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA' && !el.isContentEditable) return null;
  if (el.dataset?.saved !== undefined) return { unsaved: el.value !== el.dataset.saved };
  if (el.tagName === 'INPUT' && !['text', 'search', 'number', 'url', 'email', ''].includes(el.type)) return null;
  return { unsaved: true };
}
