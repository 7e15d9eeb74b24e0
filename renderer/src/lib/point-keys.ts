// Editing a line's shape from the keyboard, for whoever does not use a mouse: with the
// page canvas focused, ] and [ step through the selected line's points (polygon, then
// baseline), the arrow keys move the active point (Shift: ten times as far) until Enter
// saves the move, I adds a point after the active one, Backspace removes it. The edits
// are shared/line-shape.ts's, like the mouse's.
import type { Point } from '../../../shared/api.ts';
import {
  insertBaselinePoint,
  insertPolygonPoint,
  moveBaselinePoint,
  movePolygonPoint,
  removeBaselinePoint,
  removePolygonPoint,
  type LineShape,
  type ShapeEdit,
} from '../../../shared/line-shape.ts';

export interface PointRef {
  kind: 'polygon' | 'baseline';
  index: number;
}

const refs = (shape: LineShape): PointRef[] => [
  ...shape.polygon.map((_, index) => ({ kind: 'polygon' as const, index })),
  ...(shape.baseline ?? []).map((_, index) => ({ kind: 'baseline' as const, index })),
];

export const pointAt = (shape: LineShape, ref: PointRef): Point | undefined =>
  (ref.kind === 'polygon' ? shape.polygon : (shape.baseline ?? []))[ref.index];

/** The next (delta 1) or previous (-1) point after `ref`, round the polygon and then the baseline; the first one when there is none. */
export function stepPoint(shape: LineShape, ref: PointRef | null, delta: 1 | -1): PointRef {
  const all = refs(shape);
  const at = ref ? all.findIndex((r) => r.kind === ref.kind && r.index === ref.index) : -1;
  if (at < 0) return all[delta > 0 ? 0 : all.length - 1];
  return all[(at + delta + all.length) % all.length];
}

const ARROWS: Record<string, Point> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Where an arrow key takes a point (page pixels: 1, or 10 with Shift); null for any other key. */
export function nudge(p: Point, key: string, shift: boolean): Point | null {
  const d = ARROWS[key];
  if (!d) return null;
  const step = shift ? 10 : 1;
  return [p[0] + d[0] * step, p[1] + d[1] * step];
}

export function movePoint(shape: LineShape, ref: PointRef, to: Point): ShapeEdit {
  return ref.kind === 'polygon' ? movePolygonPoint(shape, ref.index, to) : moveBaselinePoint(shape, ref.index, to);
}

/** A point halfway to the next one (along the polygon's edge; along the baseline, before its last point). */
export function insertAfter(shape: LineShape, ref: PointRef): ShapeEdit {
  const points = ref.kind === 'polygon' ? shape.polygon : (shape.baseline ?? []);
  const after = ref.kind === 'baseline' && ref.index === points.length - 1 ? ref.index - 1 : ref.index;
  const [a, b] = [points[after], points[(after + 1) % points.length]];
  const mid: Point = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  return ref.kind === 'polygon' ? insertPolygonPoint(shape, after, mid) : insertBaselinePoint(shape, after, mid);
}

export function removePoint(shape: LineShape, ref: PointRef): ShapeEdit {
  return ref.kind === 'polygon' ? removePolygonPoint(shape, ref.index) : removeBaselinePoint(shape, ref.index);
}
