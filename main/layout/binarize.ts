// Sauvola binarisation (Sauvola & Pietikäinen 2000): a pixel is ink when it is darker than
// mean·(1 + k·(std/R − 1)) of its neighbourhood. Local statistics come from integral images,
// so the cost does not depend on the window size. Handles uneven paper tone and faded ink
// far better than one global threshold.
import type { GrayImage } from '../ml/line-image.ts';

export interface SauvolaOptions {
  /** Window side in pixels (odd); by default about a 30th of the page's shorter side. */
  window?: number;
  k?: number;
  /** Dynamic range of the standard deviation for 8-bit images. */
  r?: number;
}

/** 1 for ink, 0 for paper. */
export function sauvola(img: GrayImage, o: SauvolaOptions = {}): Uint8Array {
  const { width, height, data } = img;
  const half = Math.max(3, Math.floor((o.window ?? Math.min(width, height) / 30) / 2));
  const k = o.k ?? 0.3;
  const r = o.r ?? 128;
  const stride = width + 1;
  // Float64 integral images: sums of squares of an 8000×6000 page exceed 2^32.
  const sums = new Float64Array(stride * (height + 1));
  const squares = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    let rowSq = 0;
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      row += v;
      rowSq += v * v;
      sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + row;
      squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1] + rowSq;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - half);
    const y1 = Math.min(height, y + half + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - half);
      const x1 = Math.min(width, x + half + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sums[y1 * stride + x1] - sums[y0 * stride + x1] - sums[y1 * stride + x0] + sums[y0 * stride + x0];
      const sq = squares[y1 * stride + x1] - squares[y0 * stride + x1] - squares[y1 * stride + x0] + squares[y0 * stride + x0];
      const mean = s / n;
      const std = Math.sqrt(Math.max(0, sq / n - mean * mean));
      out[y * width + x] = data[y * width + x] < mean * (1 + k * (std / r - 1)) ? 1 : 0;
    }
  }
  return out;
}
