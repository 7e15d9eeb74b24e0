// Tolerant reading: one odd line never aborts a page (a frequent complaint about other
// tools' PAGE files). Each line is checked and repaired, or skipped, with a warning that
// names it: degenerate baselines, empty or tiny polygons, points outside the image (a
// region's too), duplicate ids.
import { boundingBox, rectangle, type LayoutLine, type LayoutPage, type Point } from './layout.ts';

const clampPoint = (p: Point, w: number, h: number): Point => [Math.min(Math.max(p[0], 0), w), Math.min(Math.max(p[1], 0), h)];

function distinct(points: Point[]): number {
  return new Set(points.map((p) => `${p[0]},${p[1]}`)).size;
}

/** Returns the repaired line, or null when nothing usable is left. */
export function repairLine(line: LayoutLine, width: number, height: number, warn: (message: string) => void): LayoutLine | null {
  const name = `line ${line.id}`;
  let { polygon, baseline } = line;
  const outside = (pts: Point[]) => pts.some(([x, y]) => x < 0 || y < 0 || x > width || y > height);
  if (outside(polygon) || (baseline && outside(baseline))) {
    warn(`${name}: coordinates outside the ${width}×${height} image were moved to its edge`);
    polygon = polygon.map((p) => clampPoint(p, width, height));
    baseline = baseline?.map((p) => clampPoint(p, width, height)) ?? null;
  }
  if (baseline && (baseline.length < 2 || distinct(baseline) < 2)) {
    warn(`${name}: baseline with ${distinct(baseline)} distinct point(s) was dropped`);
    baseline = null;
  }
  if (polygon.length < 3 || distinct(polygon) < 3 || boundingBox(polygon).w < 2 || boundingBox(polygon).h < 2) {
    if (!baseline) {
      warn(`${name}: skipped, it has neither a usable polygon nor a baseline`);
      return null;
    }
    // Rebuild a box around the baseline, as tall as a typical line is high relative to its width.
    const box = boundingBox(baseline);
    const lineHeight = Math.max(16, Math.min(120, Math.round(box.w / 8)));
    polygon = rectangle(
      box.x,
      Math.max(0, box.y - lineHeight),
      box.w,
      Math.min(height, box.y + box.h + lineHeight / 4) - Math.max(0, box.y - lineHeight),
    );
    warn(`${name}: polygon was empty or degenerate; rebuilt around the baseline`);
  }
  return { ...line, polygon, baseline };
}

/** A region's outline moved inside the page, as lines' are (PAGE coordinates cannot be negative). */
function clampRegion(id: string, polygon: Point[], page: LayoutPage, warnings: string[]): Point[] {
  warnings.push(`region ${id}: coordinates outside the ${page.width}×${page.height} image were moved to its edge`);
  return polygon.map((p) => clampPoint(p, page.width, page.height));
}

export function repairPage(page: LayoutPage): LayoutPage {
  const warnings = [...page.warnings];
  const seen = new Set<string>();
  const outside = (pts: Point[]) => pts.some(([x, y]) => x < 0 || y < 0 || x > page.width || y > page.height);
  const regions = page.regions.map((region) => ({
    ...region,
    polygon: outside(region.polygon) ? clampRegion(region.id, region.polygon, page, warnings) : region.polygon,
    lines: region.lines.flatMap((line) => {
      let id = line.id || `line_${seen.size + 1}`;
      if (seen.has(id)) {
        let k = 2;
        while (seen.has(`${id}_${k}`)) k++;
        warnings.push(`line ${id}: duplicate id, renamed to ${id}_${k}`);
        id = `${id}_${k}`;
      }
      seen.add(id);
      const repaired = repairLine({ ...line, id }, page.width, page.height, (m) => warnings.push(m));
      return repaired ? [repaired] : [];
    }),
  }));
  return { ...page, regions, warnings };
}
