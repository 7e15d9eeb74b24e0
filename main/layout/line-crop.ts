// Cuts one text line out of a page: the box around its polygon, with everything outside
// the polygon painted in the line's own paper tone, so neighbouring lines do not leak in.
// Pure (pixels in, pixels out): the project's line images and the training-data scripts
// share it.
import type { Point } from '../io/layout.ts';
import type { GrayImage } from '../ml/line-image.ts';
import { boundingBox } from '../io/layout.ts';
import { polygonMask } from './polygon.ts';

/** A decoded page: `channels` interleaved bytes per pixel, the first one gray. */
export interface PagePixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Buffer;
}

/** The line's crop, or null when its polygon lies outside the page. */
export function cropLine(page: PagePixels, polygon: Point[]): GrayImage | null {
  const box = boundingBox(polygon);
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const w = Math.min(page.width, box.x + box.w) - x0;
  const h = Math.min(page.height, box.y + box.h) - y0;
  if (w < 1 || h < 1) return null;
  // A rectangle needs no mask (the common case for imported line images).
  const rectangular = polygon.length === 4 && new Set(polygon.map((p) => p[0])).size <= 2 && new Set(polygon.map((p) => p[1])).size <= 2;
  const inside = rectangular ? null : polygonMask(polygon, x0, y0, w, h);
  const crop = new Uint8Array(w * h);
  let paper = 0;
  for (let y = 0; y < h; y++) {
    const rowStart = ((y0 + y) * page.width + x0) * page.channels;
    for (let x = 0; x < w; x++) {
      const v = page.data[rowStart + x * page.channels];
      crop[y * w + x] = v;
      if (!inside || inside[y * w + x]) paper = Math.max(paper, v);
    }
  }
  // Outside the polygon becomes the line's paper tone (its brightest pixel inside).
  if (inside) for (let i = 0; i < crop.length; i++) if (!inside[i]) crop[i] = paper;
  return { width: w, height: h, data: crop };
}
