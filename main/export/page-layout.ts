// Reads a page of the project as the layout model for export: its regions with their types,
// each holding its lines in reading order, each line with the newest human transcription, or
// else the chosen model's prediction and its confidence (not in a region excluded from
// transcription: the model never reads those lines for the project, so a reading there is
// stale). Lines in no region are exported in untyped regions of their own, one per run of
// them in the reading order.
import type { LayoutLine, LayoutPage, LayoutRegion, Point } from '../io/layout.ts';
import type { RegionType } from '../../shared/region-types.ts';
import { exportReads } from '../db/exports.ts';
import type { Answer, Runner } from '../db/ops.ts';
import { pages } from '../db/pages.ts';

type RegionRow = Answer<typeof exportReads.regionsToExport>[number];
const { linesToExport, regionsToExport } = exportReads;

export async function pageLayout(run: Runner, pageId: number, imageFilename: string, modelId?: number): Promise<LayoutPage> {
  const page = await run(pages.pageSize(pageId));
  if (!page) throw new Error(`no page ${pageId}`);
  const rows = await run(linesToExport(pageId, modelId));
  const regionRows = await run(regionsToExport(pageId));
  const { lineId, regionId } = fileIds(rows, regionRows);
  const toRegion = (r: RegionRow): LayoutRegion => ({
    id: regionId.get(r.id)!,
    polygon: JSON.parse(r.polygon) as Point[],
    lines: [],
    type: r.type,
    ...(r.label ? { label: r.label } : {}),
  });
  const regions = new Map(regionRows.map((r) => [r.id, toRegion(r)]));
  const excluded = new Set(regionRows.filter((r) => r.excluded).map((r) => r.id));
  // Regions in the order their first line is read; a region without lines after the region before it.
  const out: LayoutRegion[] = [];
  let loose: LayoutRegion | undefined;
  for (const r of rows) {
    const predicted = r.region_id !== null && excluded.has(r.region_id) ? null : r.predicted;
    const line: LayoutLine = {
      id: lineId.get(r.id)!,
      polygon: JSON.parse(r.polygon) as Point[],
      baseline: r.baseline ? (JSON.parse(r.baseline) as Point[]) : null,
      text: r.human ?? predicted,
      confidence: r.human === null && predicted !== null ? r.confidence : null,
    };
    const region = r.region_id === null ? undefined : regions.get(r.region_id);
    if (region) {
      if (!out.includes(region)) out.push(region);
      region.lines.push(line);
      loose = undefined;
    } else {
      if (!loose) out.push((loose = { id: `lines_${pageId}_${out.length + 1}`, polygon: [], lines: [] }));
      loose.lines.push(line);
    }
  }
  regionRows.forEach((r, i) => {
    const region = regions.get(r.id)!;
    if (out.includes(region)) return;
    const before = i > 0 ? out.indexOf(regions.get(regionRows[i - 1].id)!) : -1;
    out.splice(before + 1, 0, region);
  });
  return { format: 'page-2019', imageFilename, width: page.width, height: page.height, warnings: [], regions: out };
}

/** An XML ID (an NCName): what PAGE's and ALTO's id attributes must be. */
const XML_ID = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/**
 * Each line's and region's id in the file: the id it had in the PAGE or ALTO file it was
 * imported from (so that a tool matching them by id, as eScriptorium's import does, finds
 * them again), where that is a valid XML ID used once on the page (ids are one namespace in
 * an XML file, lines and regions together); else line_<its id in the project>, region_<…>.
 */
function fileIds(
  lines: ReadonlyArray<{ id: number; source_name: string | null }>,
  regions: ReadonlyArray<{ id: number; source_name: string | null }>,
): { lineId: Map<number, string>; regionId: Map<number, string> } {
  const generated = new Set([...lines.map((r) => `line_${r.id}`), ...regions.map((r) => `region_${r.id}`)]);
  const count = new Map<string, number>();
  for (const r of [...lines, ...regions]) if (r.source_name) count.set(r.source_name, (count.get(r.source_name) ?? 0) + 1);
  // A source id that is another's generated id here (or has the form of a run of loose lines') is not used.
  const usable = (name: string | null): name is string =>
    name !== null && XML_ID.test(name) && count.get(name) === 1 && !generated.has(name) && !/^lines_/.test(name);
  const ids = (rows: typeof lines, prefix: string) =>
    new Map(rows.map((r) => [r.id, usable(r.source_name) ? r.source_name : `${prefix}_${r.id}`]));
  return { lineId: ids(lines, 'line'), regionId: ids(regions, 'region') };
}
