// The page layout as every format sees it: regions of text lines with polygons, baselines
// and text. PAGE XML and ALTO map to and from this; the project database stores it.
import type { RegionType } from '../../shared/region-types.ts';

export type Point = [number, number];

export interface LayoutLine {
  id: string;
  polygon: Point[];
  baseline: Point[] | null;
  /** Null when the line has no transcription. */
  text: string | null;
  /** Confidence of the text in [0,1], where the format or the model gives one. */
  confidence?: number | null;
}

export interface LayoutRegion {
  id: string;
  polygon: Point[];
  lines: LayoutLine[];
  /** The region's PAGE type (paragraph, marginalia, page-number…), where the source gives or implies one. */
  type?: RegionType;
  /** The source's own name for the region's type where it differs from `type` (SegmOnto: MainZone, MarginTextZone…). */
  label?: string;
}

export type LayoutFormat = 'page-2013' | 'page-2019' | 'alto-2' | 'alto-3' | 'alto-4';

export interface LayoutPage {
  format: LayoutFormat;
  imageFilename: string;
  width: number;
  height: number;
  /** Regions in reading order. */
  regions: LayoutRegion[];
  /** Lines that were repaired or skipped on reading, each naming the line and the problem. */
  warnings: string[];
}

/** "x1,y1 x2,y2 …" (PAGE) or "x1 y1 x2 y2 …" (some ALTO writers) → points. */
export function parsePoints(text: string | undefined): Point[] {
  if (!text) return [];
  const numbers = text
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (numbers.length % 2 !== 0 || numbers.some((n) => !Number.isFinite(n))) return [];
  const points: Point[] = [];
  for (let i = 0; i < numbers.length; i += 2) points.push([numbers[i], numbers[i + 1]]);
  return points;
}

export const formatPoints = (points: Point[]): string => points.map(([x, y]) => `${Math.round(x)},${Math.round(y)}`).join(' ');

export function boundingBox(points: Point[]): { x: number; y: number; w: number; h: number } {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.floor(Math.min(...xs));
  const y = Math.floor(Math.min(...ys));
  return { x, y, w: Math.max(1, Math.ceil(Math.max(...xs)) - x), h: Math.max(1, Math.ceil(Math.max(...ys)) - y) };
}

export const rectangle = (x: number, y: number, w: number, h: number): Point[] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

/** A region's polygon, or the box around its lines where it has none (formats require one). */
export function regionOutline(region: LayoutRegion): Point[] {
  if (region.polygon.length >= 3) return region.polygon;
  const points = region.lines.flatMap((l) => l.polygon);
  if (points.length === 0) return rectangle(0, 0, 1, 1);
  const b = boundingBox(points);
  return rectangle(b.x, b.y, b.w, b.h);
}
