// Where the page canvas looks: a scale and an offset (screen = offset + page × scale).
// Pure functions of the viewport, the page and a line's box, so the canvas only applies
// them: fit the width, fit the whole page, zoom to a line, zoom around a point, and bring
// the current line into view when it is not.

export interface View {
  scale: number;
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 8;
/** Room kept around a line brought into view (screen pixels). */
export const MARGIN = 24;

const clampScale = (s: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

export function fitWidth(viewport: Size, page: Size): View {
  return { scale: clampScale(viewport.width / page.width), x: 0, y: 0 };
}

/** The whole page visible, centred. */
export function fitPage(viewport: Size, page: Size): View {
  const scale = clampScale(Math.min(viewport.width / page.width, viewport.height / page.height));
  return { scale, x: (viewport.width - page.width * scale) / 2, y: (viewport.height - page.height * scale) / 2 };
}

/** The line across the view's width (its height at most a third of the view's), centred. */
export function zoomToBox(viewport: Size, box: Box): View {
  const scale = clampScale(Math.min((viewport.width - 2 * MARGIN) / Math.max(1, box.w), viewport.height / 3 / Math.max(1, box.h)));
  return centreOn(viewport, box, scale);
}

export function zoomAround(view: View, factor: number, at: { x: number; y: number }): View {
  const scale = clampScale(view.scale * factor);
  const anchor = { x: (at.x - view.x) / view.scale, y: (at.y - view.y) / view.scale };
  return { scale, x: at.x - anchor.x * scale, y: at.y - anchor.y * scale };
}

const centreOn = (viewport: Size, box: Box, scale: number): View => ({
  scale,
  x: viewport.width / 2 - (box.x + box.w / 2) * scale,
  y: viewport.height / 2 - (box.y + box.h / 2) * scale,
});

/**
 * Whether a box is on screen along one axis: whole and `margin` from the edges; a box
 * longer than the room between the margins, when it covers that room. (Half a pixel of
 * slack: a line as wide as the page at fit-width is shown.)
 */
function axisShows(offset: number, start: number, length: number, scale: number, room: number, margin: number): boolean {
  const a = offset + start * scale;
  const b = a + length * scale;
  return length * scale <= room - 2 * margin + 1
    ? a >= margin - 0.5 && b <= room - margin + 0.5
    : a <= margin + 0.5 && b >= room - margin - 0.5;
}

// Across, the line only has to be on screen (at fit-width a line may span the page);
// down, it keeps MARGIN from the edges so the lines around it show too.
const showsAcross = (view: View, viewport: Size, box: Box) => axisShows(view.x, box.x, box.w, view.scale, viewport.width, 0);
const showsDown = (view: View, viewport: Size, box: Box) => axisShows(view.y, box.y, box.h, view.scale, viewport.height, MARGIN);

/** Whether the box is on screen (see axisShows). */
export const shows = (view: View, viewport: Size, box: Box) => showsAcross(view, viewport, box) && showsDown(view, viewport, box);

/**
 * The view moved (never zoomed) so the box is on screen: unchanged when it already is;
 * otherwise, on each axis where it is not, the line is centred, or, where it is longer
 * than the view, its start is put MARGIN from the edge.
 */
export function reveal(view: View, viewport: Size, box: Box): View {
  const s = view.scale;
  const place = (start: number, length: number, room: number) =>
    length * s <= room - 2 * MARGIN ? room / 2 - (start + length / 2) * s : MARGIN - start * s;
  return {
    scale: s,
    x: showsAcross(view, viewport, box) ? view.x : place(box.x, box.w, viewport.width),
    y: showsDown(view, viewport, box) ? view.y : place(box.y, box.h, viewport.height),
  };
}
