// The pages bench/seg-polygon-analysis.ts keeps in its --cache file (maps computed once),
// which bench/seg-merge-cases.ts reads back.
import type { Point } from '../../main/io/layout.ts';
import type { RegionClass } from '../../main/io/region-class.ts';
import type { SegMaps } from '../../main/layout/seg-post.ts';
import type { GrayImage } from '../../main/ml/line-image.ts';

export interface StoredPage {
  collection: string;
  /** The scan. */
  image: string;
  width: number;
  height: number;
  maps: SegMaps;
  /** The page scaled to --ink-size on its longer side. */
  ink: GrayImage;
  truth: Array<{ polygon: Point[]; baseline: Point[] | null; region?: RegionClass }>;
}
