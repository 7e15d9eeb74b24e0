// Drawing shapes into pixel masks: polygons filled by scanline (even-odd, pixel centres)
// and polylines drawn as bands of a given radius. Used to make the segmentation network's
// training targets; pure code on typed arrays.
import type { Point } from '../io/layout.ts';

/** Calls `visit(x, y)` for every pixel whose centre lies inside the polygon. */
export function scanPolygon(polygon: Point[], width: number, height: number, visit: (x: number, y: number) => void): void {
  if (polygon.length < 3) return;
  const ys = polygon.map((p) => p[1]);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  const crossings: number[] = [];
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5;
    crossings.length = 0;
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
      const [xi, yi] = polygon[i];
      const [xj, yj] = polygon[j];
      if (yi > cy !== yj > cy) crossings.push(xi + ((cy - yi) * (xj - xi)) / (yj - yi));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.max(0, Math.ceil(crossings[k] - 0.5));
      const to = Math.min(width - 1, Math.floor(crossings[k + 1] - 0.5));
      for (let x = from; x <= to; x++) visit(x, y);
    }
  }
}

/** Sets `value` on the pixels within `radius` of the polyline (a band with round ends). */
export function drawPolyline(mask: Uint8Array, width: number, height: number, line: Point[], radius: number, value = 1): void {
  const r = Math.max(0, radius);
  const stamp = (cx: number, cy: number) => {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r + 0.25) mask[y * width + x] = value;
      }
    }
  };
  if (line.length === 1) stamp(line[0][0], line[0][1]);
  for (let i = 0; i + 1 < line.length; i++) {
    const [x0, y0] = line[i];
    const [x1, y1] = line[i + 1];
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    for (let k = 0; k <= n; k++) stamp(x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n);
  }
}
