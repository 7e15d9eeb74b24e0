// Light or dark: the system's choice (prefers-color-scheme) until the person picks one with
// the header's toggle; the pick is remembered in localStorage and set as <html data-theme>,
// which app.css's variables follow.

export type Theme = 'light' | 'dark';
export const THEME_KEY = 'quire.theme';

/** The remembered pick, if any (anything else stored is ignored). */
export function storedTheme(storage: Pick<Storage, 'getItem'>): Theme | null {
  const v = storage.getItem(THEME_KEY);
  return v === 'light' || v === 'dark' ? v : null;
}

/** The theme shown: the pick, else the system's. */
export function shownTheme(stored: Theme | null, systemDark: boolean): Theme {
  return stored ?? (systemDark ? 'dark' : 'light');
}

/** The toggle picks the other theme from the one shown, and remembers it. */
export function toggleTheme(storage: Pick<Storage, 'getItem' | 'setItem'>, systemDark: boolean): Theme {
  const next: Theme = shownTheme(storedTheme(storage), systemDark) === 'dark' ? 'light' : 'dark';
  storage.setItem(THEME_KEY, next);
  return next;
}

/** Sets the remembered pick on the document (none: the stylesheet follows the system). */
export function applyTheme(root: HTMLElement, theme: Theme | null): void {
  if (theme) root.dataset.theme = theme;
  else delete root.dataset.theme;
}
