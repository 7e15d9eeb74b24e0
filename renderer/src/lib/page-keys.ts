// The page screen's own keys, outside the text fields (the canvas's view and point keys
// come first, lib/point-keys.ts): line tools and the page text. Pure, so the key map is
// tested without a browser.
import { composing } from './undo-keys.ts';

export type PageKeyAction = 'select-mode' | 'draw' | 'split' | 'merge' | 'page-text' | 'delete' | 'order-up' | 'order-down';

type Key = Pick<KeyboardEvent, 'key' | 'code' | 'altKey' | 'ctrlKey' | 'metaKey'> & { isComposing?: boolean; keyCode?: number };

/**
 * Alt+Z (zoom to the line and back) works from the text field too, so the page asks it
 * first, before the text fields keep their keys; it is not one of pageKeyAction's.
 */
export const isZoomToggle = (e: Key) => e.altKey && !e.ctrlKey && e.code === 'KeyZ';

/** The action of a key pressed outside the text fields (Alt+Z aside: isZoomToggle), or null where it has none. */
export function pageKeyAction(e: Key): PageKeyAction | null {
  if (e.ctrlKey || e.metaKey) return null;
  if (e.altKey) return e.key === 'ArrowUp' ? 'order-up' : e.key === 'ArrowDown' ? 'order-down' : null;
  const plain: Record<string, PageKeyAction> = {
    Escape: 'select-mode',
    d: 'draw',
    s: 'split',
    m: 'merge',
    t: 'page-text',
    Delete: 'delete',
  };
  return plain[e.key] ?? null;
}

/**
 * A key typed while a page opens after Enter on the previous page's last line (there is
 * no text field yet): the text it adds, 'backspace', or null for keys that are not typing.
 */
export function typedKey(e: Key & { getModifierState(key: string): boolean }): string | 'backspace' | null {
  if (composing(e) || e.ctrlKey || e.metaKey || (e.altKey && !e.getModifierState('AltGraph'))) return null;
  if ([...e.key].length === 1) return e.key;
  return e.key === 'Backspace' ? 'backspace' : null;
}
