// Segmenting a page with a trained segmentation model: the page is scaled down to the
// model's page size (area average), normalised as in training, run through the network
// once, and the maps post-processed into lines and regions (seg-post.ts), which are scaled
// back to the page's pixels. Pure: a grayscale page in, a layout out.
import * as tf from '@tensorflow/tfjs';
import type { Point } from '../io/layout.ts';
import type { GrayImage } from '../ml/line-image.ts';
import { segStride } from '../ml/seg-net.ts';
import { pageStats } from '../ml/seg-train.ts';
import type { Segmenter } from './seg-model-file.ts';
import { postProcess, type PostOptions, type SegMaps } from './seg-post.ts';
import { DEFAULT_INK_POLYGON, inkPolygons, type InkPolygonOptions } from './seg-ink-polygon.ts';
import type { RegionClass } from '../io/region-class.ts';

/** How line polygons are drawn: from the network's line map, or from the page's ink around each baseline (seg-ink-polygon.ts). */
export interface PolygonOptions extends InkPolygonOptions {
  /**
   * On by default: chosen on the tuning pages (docs/results/segmentation.md, "Line polygons
   * from the ink": recall / precision 0.900 / 0.810 → 0.908 / 0.817 on the prose set, 0.731 /
   * 0.794 → 0.743 / 0.806 on the dev pages), then scored once on the held-out pages (0.811 /
   * 0.808 → 0.830 / 0.828, mean IoU 0.734 → 0.785). Off, polygons come from the line map.
   */
  inkPolygons: boolean;
  /** The longer side of the page copy the ink polygons are drawn on. */
  inkSize: number;
}

export const DEFAULT_POLYGON: PolygonOptions = { ...DEFAULT_INK_POLYGON, inkPolygons: true, inkSize: 1800 };

/** Post-processing (seg-post.ts) and polygon options together, as the bench's `--post` passes them. */
export type LayoutOptions = PostOptions & PolygonOptions;

export interface ModelLine {
  polygon: Point[];
  baseline: Point[];
  region: RegionClass;
}

export interface ModelSegmentation {
  /** In reading order: region by region. */
  lines: ModelLine[];
  regions: Array<{ region: RegionClass; polygon: Point[]; lines: number[] }>;
}

/** Area-average downscaling so that the longer side is at most `size`. */
export function shrinkTo(page: GrayImage, size: number): GrayImage {
  const f = Math.max(1, Math.max(page.width, page.height) / size);
  const width = Math.max(1, Math.round(page.width / f));
  const height = Math.max(1, Math.round(page.height / f));
  const sum = new Float64Array(width * height);
  const n = new Float64Array(width * height);
  const col = Int32Array.from({ length: page.width }, (_, x) => Math.min(width - 1, Math.floor((x * width) / page.width)));
  for (let y = 0; y < page.height; y++) {
    const row = Math.min(height - 1, Math.floor((y * height) / page.height)) * width;
    for (let x = 0; x < page.width; x++) {
      sum[row + col[x]] += page.data[y * page.width + x];
      n[row + col[x]]++;
    }
  }
  const data = new Uint8Array(width * height);
  for (let k = 0; k < data.length; k++) data[k] = Math.round(sum[k] / Math.max(1, n[k]));
  return { width, height, data };
}

/** The network's input for a page at the model's size: normalised as in training, padded with paper (0) to the stride. */
export function segInput(small: GrayImage, stride: number): tf.Tensor4D {
  const W = Math.ceil(small.width / stride) * stride;
  const H = Math.ceil(small.height / stride) * stride;
  const { mean, std } = pageStats(small.data);
  const input = new Float32Array(W * H);
  for (let y = 0; y < small.height; y++) {
    for (let x = 0; x < small.width; x++) input[y * W + x] = (mean - small.data[y * small.width + x]) / std;
  }
  return tf.tensor4d(input, [1, H, W, 1]);
}

/** The network's four maps for a page, at the model's page size (the scaled page's pixels). */
export function predictMaps(model: Segmenter, page: GrayImage): SegMaps {
  const small = shrinkTo(page, model.header.pageSize);
  const stride = segStride(model.net.config);
  const W = Math.ceil(small.width / stride) * stride;
  const probs = tf.tidy(() => tf.sigmoid(model.net.logits(segInput(small, stride))));
  const all = probs.dataSync() as Float32Array;
  probs.dispose();
  const maps = model.net.config.outputs;
  const channel = (c: number) => {
    const out = new Float32Array(small.width * small.height);
    for (let y = 0; y < small.height; y++) for (let x = 0; x < small.width; x++) out[y * small.width + x] = all[(y * W + x) * maps + c];
    return out;
  };
  return {
    width: small.width,
    height: small.height,
    baseline: channel(0),
    line: channel(1),
    main: channel(2),
    margin: channel(3),
    image: small,
  };
}

/**
 * Lines and regions from the maps, scaled back to a page of `width` × `height` pixels (split
 * from the forward pass so post-processing can be tuned on stored maps). With `ink` (a copy
 * of the page, any size) and `inkPolygons`, line polygons are drawn from its ink.
 */
export function layoutFromMaps(
  maps: SegMaps,
  width: number,
  height: number,
  options: Partial<LayoutOptions> = {},
  ink?: GrayImage,
): ModelSegmentation {
  const o = { ...DEFAULT_POLYGON, ...options };
  const result = postProcess(maps, o);
  const sx = width / maps.width;
  const sy = height / maps.height;
  const scale = (points: Point[], fx = sx, fy = sy): Point[] => points.map(([x, y]) => [Math.round(x * fx), Math.round(y * fy)]);
  const polygons = result.lines.map((l) => scale(l.polygon));
  if (ink && o.inkPolygons) {
    const ix = ink.width / maps.width;
    const iy = ink.height / maps.height;
    const drawn = inkPolygons(
      ink,
      result.lines.map((l) => l.baseline.map(([x, y]): Point => [x * ix, y * iy])),
      result.spacing * iy,
      o,
    );
    drawn.forEach((p, i) => {
      if (p) polygons[i] = scale(p, width / ink.width, height / ink.height);
    });
  }
  // Lines in reading order: region by region.
  const order = result.regions.flatMap((r) => r.lines);
  const position = new Map(order.map((line, i) => [line, i]));
  return {
    lines: order.map((i) => ({
      polygon: polygons[i],
      baseline: scale(result.lines[i].baseline),
      region: result.lines[i].region,
    })),
    regions: result.regions.map((r) => ({ region: r.region, polygon: scale(r.polygon), lines: r.lines.map((i) => position.get(i)!) })),
  };
}

export function segmentWithModel(model: Segmenter, page: GrayImage, options: Partial<LayoutOptions> = {}): ModelSegmentation {
  const o = { ...DEFAULT_POLYGON, ...options };
  const ink = o.inkPolygons ? shrinkTo(page, o.inkSize) : undefined;
  return layoutFromMaps(predictMaps(model, page), page.width, page.height, o, ink);
}
