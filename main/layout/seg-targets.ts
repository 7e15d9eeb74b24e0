// Training targets of the segmentation network (main/ml/seg-net.ts), one bit per map in a
// byte per pixel, from a page's true lines and regions in the downscaled page's pixels:
//   bit 0 baseline: a band of BASELINE_RADIUS around each baseline;
//   bit 1 line: inside exactly one line polygon and not touching another line's pixels,
//         so neighbouring lines stay apart by a seam and can be told apart after prediction;
//   bit 2 main text region, bit 3 marginal notes: the region polygons of that class, or
//         the lines' own polygons where a region has no polygon.
import type { Point } from '../io/layout.ts';
import { drawPolyline, scanPolygon } from './raster.ts';
import type { RegionClass } from '../io/region-class.ts';

export const BASELINE_RADIUS = 1;
export const BIT = { baseline: 1, line: 2, main: 4, margin: 8 } as const;

export interface TargetLine {
  polygon: Point[];
  baseline: Point[] | null;
  region: RegionClass;
}

export interface TargetRegion {
  region: RegionClass;
  polygon: Point[];
}

export function segTargets(width: number, height: number, lines: TargetLine[], regions: TargetRegion[]): Uint8Array {
  const out = new Uint8Array(width * height);
  // Owner of each pixel: -1 none, -2 several lines, else the line's index.
  const owner = new Int32Array(width * height).fill(-1);
  lines.forEach((l, i) =>
    scanPolygon(l.polygon, width, height, (x, y) => {
      const k = y * width + x;
      owner[k] = owner[k] === -1 ? i : owner[k] === i ? i : -2;
    }),
  );
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      const o = owner[k];
      if (o < 0) continue;
      const apart = (n: number) => owner[n] === -1 || owner[n] === o;
      if (
        (x === 0 || apart(k - 1)) &&
        (x === width - 1 || apart(k + 1)) &&
        (y === 0 || apart(k - width)) &&
        (y === height - 1 || apart(k + width))
      )
        out[k] |= BIT.line;
    }
  }
  const band = new Uint8Array(width * height);
  for (const l of lines) if (l.baseline && l.baseline.length >= 2) drawPolyline(band, width, height, l.baseline, BASELINE_RADIUS);
  for (let k = 0; k < band.length; k++) if (band[k]) out[k] |= BIT.baseline;
  const fill = (polygon: Point[], region: RegionClass) => {
    const bit = region === 'main' ? BIT.main : region === 'margin' ? BIT.margin : 0;
    if (bit)
      scanPolygon(polygon, width, height, (x, y) => {
        out[y * width + x] |= bit;
      });
  };
  for (const r of regions) fill(r.polygon, r.region);
  // Lines whose region has no polygon still mark their region class with their own outline.
  for (const l of lines) if (!regions.some((r) => r.region === l.region)) fill(l.polygon, l.region);
  return out;
}
