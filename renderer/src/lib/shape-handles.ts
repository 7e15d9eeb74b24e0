// The selected line's editing handles on the page canvas (Konva). Polygon points are round
// handles, baseline points square purple ones; dragging one moves it, double-clicking one
// removes it; the small handles halfway along each edge add a point there (a click adds
// it in the middle, a drag where it is dropped); the baseline itself drags as a whole.
// Every edit goes through shared/line-shape.ts, which keeps polygon and baseline
// consistent or refuses with a reason; the canvas hands the result to its owner.
import Konva from 'konva';
import type { Point } from '../../../shared/api.ts';
import type { PointRef } from './point-keys.ts';
import {
  insertBaselinePoint,
  insertPolygonPoint,
  moveBaseline,
  moveBaselinePoint,
  movePolygonPoint,
  removeBaselinePoint,
  removePolygonPoint,
  type LineShape,
  type ShapeEdit,
} from '../../../shared/line-shape.ts';

export const HANDLE = 'handle';
const POLYGON_COLOUR = '#d35400';
const BASELINE_COLOUR = '#8e44ad';

export interface HandleEvents {
  /** While dragging: the shape as it would be (not yet checked), to draw. */
  preview(shape: LineShape): void;
  /** A finished edit, accepted or refused. */
  edited(edit: ShapeEdit): void;
}

/**
 * Adds the handles for `shape` to `layer`; `scale` keeps them a constant size on screen.
 * The `active` point (chosen from the keyboard, lib/point-keys.ts) is drawn larger and filled.
 */
export function addShapeHandles(
  layer: Konva.Layer,
  shape: LineShape,
  scale: number,
  events: HandleEvents,
  active: PointRef | null = null,
): void {
  const size = 6 / scale;
  const isActive = (kind: PointRef['kind'], index: number) => active?.kind === kind && active.index === index;
  const pos = (node: Konva.Node): Point => [node.x(), node.y()];
  // A handle drags its point, not the whole stage; a drag is not also a click.
  const handle = (node: Konva.Shape, onDrag: (at: Point) => LineShape, onDrop: (at: Point) => ShapeEdit, onClick?: () => ShapeEdit) => {
    let dragged = false;
    node.name(HANDLE);
    node.on('mousedown touchstart', (e) => {
      e.cancelBubble = true;
      dragged = false;
    });
    node.on('dragmove', () => {
      dragged = true;
      events.preview(onDrag(pos(node)));
    });
    node.on('dragend', () => events.edited(onDrop(pos(node))));
    if (onClick)
      node.on('click tap', () => {
        if (!dragged) events.edited(onClick());
      });
    layer.add(node);
  };
  const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const { polygon, baseline } = shape;

  polygon.forEach((a, i) => {
    const b = polygon[(i + 1) % polygon.length];
    const [x, y] = mid(a, b);
    handle(
      new Konva.Circle({ x, y, radius: size * 0.6, fill: POLYGON_COLOUR, opacity: 0.55, draggable: true, strokeScaleEnabled: false }),
      (at) => ({ polygon: [...polygon.slice(0, i + 1), at, ...polygon.slice(i + 1)], baseline }),
      (at) => insertPolygonPoint(shape, i, at),
      () => insertPolygonPoint(shape, i, mid(a, b)),
    );
  });
  polygon.forEach((p, i) => {
    const on = isActive('polygon', i);
    const node = new Konva.Circle({
      x: p[0],
      y: p[1],
      radius: on ? size * 1.6 : size,
      fill: on ? POLYGON_COLOUR : '#fff',
      stroke: on ? '#000' : POLYGON_COLOUR,
      strokeWidth: 2,
      strokeScaleEnabled: false,
      draggable: true,
    });
    node.on('dblclick dbltap', () => events.edited(removePolygonPoint(shape, i)));
    handle(
      node,
      (at) => ({ polygon: polygon.map((q, k) => (k === i ? at : q)), baseline }),
      (at) => movePolygonPoint(shape, i, at),
    );
  });
  if (!baseline) return;

  // The baseline itself: dragging it moves all its points.
  const whole = new Konva.Line({
    points: baseline.flat(),
    stroke: BASELINE_COLOUR,
    strokeWidth: 3,
    hitStrokeWidth: 12,
    strokeScaleEnabled: false,
    draggable: true,
  });
  handle(
    whole,
    (at) => ({ polygon, baseline: baseline.map(([x, y]) => [x + at[0], y + at[1]] as Point) }),
    (at) => moveBaseline(shape, at[0], at[1]),
  );
  baseline.slice(1).forEach((b, k) => {
    const a = baseline[k];
    const [x, y] = mid(a, b);
    handle(
      new Konva.Circle({ x, y, radius: size * 0.6, fill: BASELINE_COLOUR, opacity: 0.55, draggable: true, strokeScaleEnabled: false }),
      (at) => ({ polygon, baseline: [...baseline.slice(0, k + 1), at, ...baseline.slice(k + 1)] }),
      (at) => insertBaselinePoint(shape, k, at),
      () => insertBaselinePoint(shape, k, mid(a, b)),
    );
  });
  baseline.forEach((p, i) => {
    const side = isActive('baseline', i) ? size * 2.6 : size * 1.6;
    const node = new Konva.Rect({
      x: p[0],
      y: p[1],
      width: side,
      height: side,
      offsetX: side / 2,
      offsetY: side / 2,
      fill: BASELINE_COLOUR,
      stroke: isActive('baseline', i) ? '#000' : '#fff',
      strokeWidth: isActive('baseline', i) ? 2 : 1,
      strokeScaleEnabled: false,
      draggable: true,
    });
    node.on('dblclick dbltap', () => events.edited(removeBaselinePoint(shape, i)));
    handle(
      node,
      (at) => ({ polygon, baseline: baseline.map((q, k) => (k === i ? at : q)) }),
      (at) => moveBaselinePoint(shape, i, at),
    );
  });
}
