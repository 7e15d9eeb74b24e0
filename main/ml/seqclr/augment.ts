// Sequence-preserving augmentations for SeqCLR (Aberdam et al., 2021): each view keeps
// the left-to-right order of the line, so that frame t of one view still shows roughly
// the same characters as frame t of the other. Nothing mirrors, reorders or rotates far.
// Every view is brought back to the input's width, so both views have the same frames.
// All randomness comes from the Rng passed in: the same seed gives the same views.
import { bilinear, type LineTensor } from '../line-image.ts';
import type { Rng } from '../random.ts';
import type { PipelineName } from '../../../shared/pretraining-options.ts';

export type { PipelineName };

export type Augmentation = (img: LineTensor, rng: Rng) => LineTensor;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
const map = (img: LineTensor, f: (v: number) => number): LineTensor => ({ ...img, data: img.data.map(f) });

/** Scales ink contrast by a factor in [0.5, 1] (the public SeqCLR setting). */
export const linearContrast: Augmentation = (img, rng) => {
  const factor = rng.uniform(0.5, 1);
  return map(img, (v) => clamp01(v * factor));
};

function convolve(img: LineTensor, kernel: number[]): LineTensor {
  // Separable: the same 1-D kernel along rows then columns, edges clamped.
  const { width: w, height: h } = img;
  const r = (kernel.length - 1) / 2;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += kernel[k + r] * img.data[y * w + Math.min(w - 1, Math.max(0, x + k))];
      tmp[y * w + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += kernel[k + r] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
      out[y * w + x] = clamp01(acc);
    }
  }
  return { ...img, data: out };
}

export function gaussianKernel(sigma: number): number[] {
  const r = Math.max(1, Math.ceil(2.5 * sigma));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/** Gaussian blur with σ in [0.5, 1.5] pixels. */
export const gaussianBlur: Augmentation = (img, rng) => convolve(img, gaussianKernel(rng.uniform(0.5, 1.5)));

/** Unsharp masking: img + α (img − blur(img)), α in [0.5, 1.5]. */
export const sharpen: Augmentation = (img, rng) => {
  const blurred = convolve(img, gaussianKernel(1));
  const alpha = rng.uniform(0.5, 1.5);
  return { ...img, data: img.data.map((v, i) => clamp01(v + alpha * (v - blurred.data[i]))) };
};

/** Bilinear sample of img at (x, y), 0 (paper) outside. */
function sample(img: LineTensor, x: number, y: number): number {
  if (x < 0 || y < 0 || x > img.width - 1 || y > img.height - 1) return 0;
  return bilinear(img, x, y);
}

/** Output pixel (x, y) reads input (u(x, y), v(x, y)); output has the input's size. */
function warp(img: LineTensor, f: (x: number, y: number) => [number, number]): LineTensor {
  const out = new Float32Array(img.width * img.height);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const [u, v] = f(x, y);
      out[y * img.width + x] = sample(img, u, v);
    }
  }
  return { ...img, data: out };
}

/**
 * Keeps a window of 96–100 % of the width (never most of the line away) and stretches it
 * back to full width: a contiguous, ordered part of the line.
 */
export const horizontalCrop: Augmentation = (img, rng) => {
  const keep = rng.uniform(0.96, 1) * img.width;
  const start = rng.uniform(0, img.width - keep);
  const scale = keep / img.width;
  return warp(img, (x, y) => [start + x * scale, y]);
};

/** Removes up to `perSide` of the height at the top and, independently, at the bottom, and stretches back. */
const verticalCropUpTo =
  (perSide: number): Augmentation =>
  (img, rng) => {
    const top = rng.uniform(0, perSide) * img.height;
    const bottom = rng.uniform(0, perSide) * img.height;
    const scale = (img.height - top - bottom) / img.height;
    return warp(img, (x, y) => [x, top + y * scale]);
  };

/** Removes up to 8 % of the height, split between top and bottom, and stretches back. */
export const verticalCrop: Augmentation = (img, rng) => {
  const keep = rng.uniform(0.92, 1) * img.height;
  const start = rng.uniform(0, img.height - keep);
  const scale = keep / img.height;
  return warp(img, (x, y) => [x, start + y * scale]);
};

/** Rotation, shear and scale about the line's centre, each drawn from its range. */
const affine =
  (degrees: number, maxShear: number, [minScale, maxScale]: [number, number]): Augmentation =>
  (img, rng) => {
    const angle = (rng.uniform(-degrees, degrees) * Math.PI) / 180;
    const shear = rng.uniform(-maxShear, maxShear);
    const scale = rng.uniform(minScale, maxScale);
    const cx = img.width / 2;
    const cy = img.height / 2;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    // Inverse mapping: output → input.
    return warp(img, (x, y) => {
      const dx = (x - cx) / scale;
      const dy = (y - cy) / scale;
      const rx = cos * dx + sin * dy;
      const ry = -sin * dx + cos * dy;
      return [cx + rx - shear * ry, cy + ry];
    });
  };

/** Small rotation (±2°), shear (±0.15) and scale (0.9–1.05). */
export const lightAffine = affine(2, 0.15, [0.9, 1.05]);

/**
 * A smooth random displacement of the strokes, as another hand might write them (the
 * authors' piecewise-affine/elastic step): offsets drawn on a coarse grid (one node per line
 * height along the width, three across it) and interpolated. The largest offset, 2–8 % of
 * the height, is far below a grid cell, so columns never swap places: order is kept.
 */
export const elasticDistortion: Augmentation = (img, rng) => {
  const cell = img.height;
  const cols = Math.ceil(img.width / cell) + 1;
  const rows = 3;
  const amplitude = rng.uniform(0.02, 0.08) * img.height;
  const grid = (n: number) => Float32Array.from({ length: n }, () => amplitude * Math.max(-2, Math.min(2, rng.normal())));
  const gx = grid(cols * rows);
  const gy = grid(cols * rows);
  const at = (g: Float32Array, x: number, y: number) =>
    bilinear({ width: cols, height: rows, data: g }, x / cell, (y / (img.height - 1)) * (rows - 1));
  return warp(img, (x, y) => [x + at(gx, x, y), y + at(gy, x, y)]);
};

/** Thicker or thinner pen: blends each pixel towards the darkest (or lightest) of its 2×2 neighbourhood. */
export const strokeWidth: Augmentation = (img, rng) => {
  const thicker = rng.next() < 0.5;
  const t = rng.uniform(0.3, 1);
  const { width: w, height: h, data } = img;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const right = data[y * w + Math.min(w - 1, x + 1)];
      const below = data[Math.min(h - 1, y + 1) * w + x];
      const diagonal = data[Math.min(h - 1, y + 1) * w + Math.min(w - 1, x + 1)];
      const extreme = thicker ? Math.max(data[i], right, below, diagonal) : Math.min(data[i], right, below, diagonal);
      out[i] = data[i] + t * (extreme - data[i]);
    }
  }
  return { ...img, data: out };
};

/**
 * Which augmentations a view may get and how they are combined. `each`: every augmentation
 * applies with its own probability (times the strength), at least one and at most five.
 * `some-of`: a count drawn uniformly from 1 to all of them, then that many distinct ones
 * (imgaug's SomeOf((1, None)), as in the authors' public code), so views differ more; the
 * probabilities and the strength play no part there.
 */
export interface AugmentationPipeline {
  readonly augmentations: ReadonlyArray<readonly [string, Augmentation, number]>;
  readonly compose: 'each' | 'some-of';
}

/** Light changes, each applied now and then: the first pipeline we measured. */
export const MILD: AugmentationPipeline = {
  compose: 'each',
  augmentations: [
    ['contrast', linearContrast, 0.5],
    ['blur', gaussianBlur, 0.3],
    ['sharpen', sharpen, 0.3],
    ['horizontal crop', horizontalCrop, 0.5],
    ['vertical crop', verticalCrop, 0.3],
    ['affine', lightAffine, 0.5],
  ],
};

/**
 * Closer to the authors' public pipeline: several changes per view, vertical crops of up to
 * 20 % of the height at each end (their code allows 40 % on scene text; our lines are cut
 * tight to the ink), more rotation and shear, elastic distortion and pen width. Scale and
 * horizontal crop stay as in MILD: they move the line's ends and would misalign the two
 * views' windows. (Measured: no better than MILD, docs/results/seqclr-strong.md.)
 */
export const STRONG: AugmentationPipeline = {
  compose: 'some-of',
  augmentations: [
    ['contrast', linearContrast, 1],
    ['blur', gaussianBlur, 1],
    ['sharpen', sharpen, 1],
    ['horizontal crop', horizontalCrop, 1],
    ['vertical crop', verticalCropUpTo(0.2), 1],
    ['affine', affine(3, 0.3, [0.9, 1.05]), 1],
    ['elastic', elasticDistortion, 1],
    ['stroke width', strokeWidth, 1],
  ],
};

// Every pipeline the API and CLI offer (shared/pretraining-options.ts) exists here, and no other.
export const PIPELINES = { mild: MILD, strong: STRONG } as const satisfies Record<PipelineName, AugmentationPipeline>;

/** One random view of the line, with the augmentations the pipeline picks, in a random order. */
export function augmentView(img: LineTensor, rng: Rng, strength = 1, pipeline: AugmentationPipeline = MILD): LineTensor {
  const all = pipeline.augmentations;
  let chosen: Array<readonly [string, Augmentation, number]>;
  if (pipeline.compose === 'some-of') {
    chosen = rng.shuffle([...all]).slice(0, rng.int(1, all.length + 1));
  } else {
    chosen = all.filter(([, , p]) => rng.next() < Math.min(1, p * strength));
    if (chosen.length === 0) chosen = [rng.pick(all)];
    chosen = rng.shuffle([...chosen]).slice(0, 5);
  }
  return chosen.reduce((acc, [, f]) => f(acc, rng), img);
}
