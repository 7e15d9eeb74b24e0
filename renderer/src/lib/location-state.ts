// Where the person is, kept in the address (?screen=…&document=…&page=…&line=…), so a
// reload returns there and the browser's back and forward move between screens. Pure: the
// address's other parameters (browser mode's token) are left as they are.

export type Screen = 'documents' | 'training' | 'review';
export interface Place {
  /** With a page open, the documents screen (the page's back button leads to its document). */
  screen: Screen;
  /** A document's page list is open (documents screen); with a page open, the page's document. */
  documentId: number | null;
  /** A page is open, at this line. */
  pageId: number | null;
  lineId: number | null;
}

export const HOME: Place = { screen: 'documents', documentId: null, pageId: null, lineId: null };
const SCREENS: readonly Screen[] = ['documents', 'training', 'review'];
const KEYS = ['screen', 'document', 'page', 'line'] as const;

const id = (v: string | null): number | null => (v !== null && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : null);

/**
 * The place an address names; anything missing or malformed falls back to the document list.
 * A page is on the documents screen, whatever screen an address from an older version named
 * with it (a line opened from Review or Training kept that screen).
 */
export function placeFrom(search: string): Place {
  const q = new URLSearchParams(search);
  const pageId = id(q.get('page'));
  const screen = (pageId === null && SCREENS.find((s) => s === q.get('screen'))) || 'documents';
  return { screen, documentId: id(q.get('document')), pageId, lineId: pageId === null ? null : id(q.get('line')) };
}

/** The address's query for a place, keeping parameters that are not ours. */
export function searchFor(place: Place, current = ''): string {
  const q = new URLSearchParams(current);
  for (const k of KEYS) q.delete(k);
  if (place.screen !== 'documents') q.set('screen', place.screen);
  if (place.documentId !== null) q.set('document', String(place.documentId));
  if (place.pageId !== null) {
    q.set('page', String(place.pageId));
    if (place.lineId !== null) q.set('line', String(place.lineId));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Whether going from one place to another is a new step in the browser's history (a
 * screen, document or page opened) or the same step moved on (another line of the page,
 * which would otherwise fill the history with every line passed).
 */
export function isNewStep(from: Place, to: Place): boolean {
  return from.screen !== to.screen || from.documentId !== to.documentId || from.pageId !== to.pageId;
}
