// What a segmenter finds on a page: lines (polygon, baseline) and, from a trained model,
// the text regions they belong to with their PAGE type. Plain data, so it crosses from the
// segmentation worker to the main thread as it is.
import type { RegionType } from '../../shared/region-types.ts';
import type { Point } from '../io/layout.ts';
import type { Segmentation } from './segment.ts';
import type { ModelSegmentation } from './seg-infer.ts';
import { CLASS_REGION_TYPE } from '../io/region-class.ts';

export interface FoundLayout {
  /** `region`: index into `regions`, or null (the classical segmenter finds no regions). */
  lines: Array<{ polygon: Point[]; baseline: Point[]; region: number | null }>;
  regions: Array<{ type: RegionType; polygon: Point[] }>;
  /** True when `lines` are already in reading order (region by region); else top to bottom is used. */
  ordered: boolean;
}

export const fromClassical = (s: Segmentation): FoundLayout => ({
  lines: s.lines.map((l) => ({ polygon: l.polygon, baseline: l.baseline, region: null })),
  regions: [],
  ordered: false,
});

export function fromModel(s: ModelSegmentation): FoundLayout {
  const regionOf = new Map<number, number>();
  s.regions.forEach((r, i) => {
    for (const line of r.lines) regionOf.set(line, i);
  });
  return {
    lines: s.lines.map((l, i) => ({ polygon: l.polygon, baseline: l.baseline, region: regionOf.get(i) ?? null })),
    regions: s.regions.map((r) => ({ type: CLASS_REGION_TYPE[r.region], polygon: r.polygon })),
    ordered: true,
  };
}
