// A search hit's text cut at its matches, to draw the matches marked. Pure, so the cutting
// is tested without a browser.

/** `text` as runs, each marked or not; `marks` are [start, end) ranges in order (SearchHit.marks). */
export function markedParts(text: string, marks: ReadonlyArray<readonly [number, number]>): Array<{ text: string; marked: boolean }> {
  const parts: Array<{ text: string; marked: boolean }> = [];
  let at = 0;
  for (const [start, end] of marks) {
    // A range out of order or out of the text is skipped rather than drawn over its neighbours.
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}
