// Line images as the recognizer sees them: grayscale, scaled to the model height keeping
// the aspect ratio, inverted so that ink is 1 and paper 0 (zero padding is then blank
// paper), and batched with lines of similar width.

/** 8-bit grayscale image, paper light, ink dark (what image decoders give us). */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Model input: ink 1, paper 0, row-major [height, width]. */
export interface LineTensor {
  width: number;
  height: number;
  data: Float32Array;
}

/** Bilinear resampling of a grayscale image (area-averaged when shrinking a lot). */
export function resizeGray(img: GrayImage, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const sx = img.width / width;
  const sy = img.height / height;
  // Shrinking by more than 2× with plain bilinear drops thin strokes: average a box instead.
  const boxX = Math.max(1, Math.floor(sx));
  const boxY = Math.max(1, Math.floor(sy));
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5 - (boxY - 1) / 2));
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5 - (boxX - 1) / 2));
      let acc = 0;
      for (let by = 0; by < boxY; by++) {
        for (let bx = 0; bx < boxX; bx++) acc += bilinear(img, Math.min(img.width - 1, fx + bx), Math.min(img.height - 1, fy + by));
      }
      out[y * width + x] = acc / (boxX * boxY);
    }
  }
  return out;
}

/** Bilinear interpolation at (fx, fy), which must lie inside the image. */
export function bilinear(img: { width: number; height: number; data: ArrayLike<number> }, fx: number, fy: number): number {
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const d = img.data;
  const w = img.width;
  const top = d[y0 * w + x0] * (1 - ax) + d[y0 * w + x1] * ax;
  const bottom = d[y1 * w + x0] * (1 - ax) + d[y1 * w + x1] * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * Scales to `height`, inverts and normalises contrast: the lightest value becomes 0 and
 * the darkest ink 1, so ink colour and paper tone do not matter to the model.
 */
export function toLineTensor(img: GrayImage, height: number, maxWidth = 2048): LineTensor {
  if (img.width < 1 || img.height < 1) throw new Error('line image is empty');
  const width = Math.max(1, Math.min(maxWidth, Math.round((img.width * height) / img.height)));
  const scaled = resizeGray(img, width, height);
  let lo = 255;
  let hi = 0;
  for (const v of scaled) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = Math.max(32, hi - lo);
  const data = new Float32Array(scaled.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, (hi - scaled[i]) / range));
  return { width, height, data };
}

export interface Batch {
  /** [N, H, W, 1] values, W a multiple of the frame stride. */
  images: Float32Array;
  shape: [number, number, number, number];
  /** True width of each line in pixels. */
  widths: number[];
}

/** Pads lines to a common width (a multiple of `stride`, at least `minWidth`). */
export function makeBatch(lines: LineTensor[], stride: number, minWidth = 0): Batch {
  const H = lines[0].height;
  if (lines.some((l) => l.height !== H)) throw new Error('makeBatch: lines of different heights');
  const maxW = Math.max(minWidth, ...lines.map((l) => l.width));
  const W = Math.ceil(maxW / stride) * stride;
  const images = new Float32Array(lines.length * H * W);
  lines.forEach((l, n) => {
    for (let y = 0; y < H; y++) images.set(l.data.subarray(y * l.width, (y + 1) * l.width), (n * H + y) * W);
  });
  return { images, shape: [lines.length, H, W, 1], widths: lines.map((l) => l.width) };
}
