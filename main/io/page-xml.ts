// PAGE XML (PRImA Page Content, 2013-07-15 and 2019-07-15) to and from the layout model.
// Text is taken at line level (TextEquiv/Unicode), else from the line's words joined by
// spaces; regions follow the ReadingOrder when there is one, else document order.
import { asArray, escapeXml, textOf, XmlError, type XmlNode } from './xml.ts';
import { formatPoints, parsePoints, regionOutline, type LayoutLine, type LayoutPage, type LayoutRegion } from './layout.ts';
import { isRegionType } from '../../shared/region-types.ts';
import { typeAndLabel } from './region-class.ts';

export const PAGE_2019 = 'http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15';
export const PAGE_2013 = 'http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15';

function equivText(node: XmlNode): { text: string; conf: number | null } | null {
  const equivs = asArray(node.TextEquiv as XmlNode[]);
  if (equivs.length === 0) return null;
  // Several TextEquivs are alternatives; the schema makes the one of lowest index the main
  // reading (the first where none has an index).
  const indexed = equivs.filter((e) => e['@index'] !== undefined && Number.isFinite(Number(e['@index'])));
  const main = indexed.length ? indexed.reduce((a, b) => (Number(b['@index']) < Number(a['@index']) ? b : a)) : equivs[0];
  const conf = main['@conf'] === undefined ? null : Number(main['@conf']);
  return { text: textOf(main.Unicode), conf: Number.isFinite(conf) ? conf : null };
}

function readLine(node: XmlNode, index: number): LayoutLine {
  // An empty Unicode is no text: Transkribus writes <TextEquiv><Unicode/></TextEquiv> on
  // every line of a page not yet transcribed, and taken as text each would become a
  // label "" that training learns blanks from. (A line labeled empty on purpose is exported
  // so too, and comes back unlabeled: the safe side.)
  const equiv = equivText(node);
  const own = equiv && equiv.text !== '' ? equiv : null;
  const words = asArray(node.Word as XmlNode[])
    .map((w) => equivText(w)?.text ?? '')
    .filter(Boolean);
  const text = own ? own.text : words.length ? words.join(' ') : null;
  return {
    id: String(node['@id'] ?? `line_${index + 1}`),
    polygon: parsePoints((node.Coords as XmlNode | undefined)?.['@points'] as string | undefined),
    baseline: (node.Baseline as XmlNode | undefined) ? parsePoints((node.Baseline as XmlNode)['@points'] as string) : null,
    text: text === null ? null : text.normalize('NFC'),
    confidence: own?.conf ?? null,
  };
}

/** All TextRegions, including those nested in other regions (e.g. tables). */
function collectRegions(node: XmlNode, out: XmlNode[] = []): XmlNode[] {
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || key === 'TextLine' || typeof value !== 'object') continue;
    for (const child of asArray(value as XmlNode | XmlNode[])) {
      if (typeof child !== 'object' || child === null) continue;
      if (key === 'TextRegion') out.push(child);
      if (key.endsWith('Region') || key === 'TextCell') collectRegions(child, out);
    }
  }
  return out;
}

/**
 * Region ids in the ReadingOrder's order. An ordered group's members (region refs and nested
 * groups) go by their own index, a nested group's regions where the group stands (indices
 * are local to their group); an unordered group's members in document order.
 */
function readingOrder(page: XmlNode): string[] {
  const out: string[] = [];
  const nodes = (group: XmlNode, name: string) => asArray(group[name] as XmlNode | XmlNode[] | undefined);
  const ordered = (group: XmlNode) => {
    const at = (node: XmlNode) => Number(node['@index'] ?? Infinity);
    const members = [
      ...nodes(group, 'RegionRefIndexed').map((r) => ({ index: at(r), visit: () => out.push(String(r['@regionRef'])) })),
      ...nodes(group, 'OrderedGroupIndexed').map((g) => ({ index: at(g), visit: () => ordered(g) })),
      ...nodes(group, 'UnorderedGroupIndexed').map((g) => ({ index: at(g), visit: () => unordered(g) })),
      // Not in the schema inside a group, but written by some tools: after the indexed members.
      ...nodes(group, 'OrderedGroup').map((g) => ({ index: Infinity, visit: () => ordered(g) })),
    ];
    for (const m of members.sort((a, b) => a.index - b.index)) m.visit();
  };
  const unordered = (group: XmlNode) => {
    for (const r of nodes(group, 'RegionRef')) out.push(String(r['@regionRef']));
    for (const g of nodes(group, 'OrderedGroup')) ordered(g);
    for (const g of nodes(group, 'UnorderedGroup')) unordered(g);
  };
  const ro = page.ReadingOrder as XmlNode | undefined;
  for (const g of nodes(ro ?? {}, 'OrderedGroup')) ordered(g);
  for (const g of nodes(ro ?? {}, 'UnorderedGroup')) unordered(g);
  return out;
}

/** Transkribus keeps reading order in custom="readingOrder {index:3;}" attributes. */
function customIndex(node: XmlNode): number | undefined {
  const m = /readingOrder\s*\{\s*index\s*:\s*(\d+)/.exec(String(node['@custom'] ?? ''));
  return m ? Number(m[1]) : undefined;
}

function sortByCustomIndex(nodes: XmlNode[]): XmlNode[] {
  if (!nodes.every((n) => customIndex(n) !== undefined)) return nodes;
  return [...nodes].sort((a, b) => customIndex(a)! - customIndex(b)!);
}

/**
 * A region's type: PAGE's @type where it is one of PAGE's names, and the SegmOnto-style name
 * eScriptorium and Transkribus write in custom="structure {type:MainZone;}" as its label
 * (and, without an @type, the source of the type).
 */
function regionType(node: XmlNode): Pick<LayoutRegion, 'type' | 'label'> {
  const m = /structure\s*\{[^}]*type\s*:\s*([^;}]+)/.exec(String(node['@custom'] ?? ''));
  const custom = m ? m[1].trim() : undefined;
  const own = node['@type'] === undefined ? undefined : String(node['@type']);
  if (own !== undefined && isRegionType(own)) return { type: own, ...(custom && custom !== own ? { label: custom } : {}) };
  if (custom === undefined && own === undefined) return {};
  const { type, label } = typeAndLabel(custom ?? own);
  return { type, ...(label ? { label } : {}) };
}

export function readPage(file: string, root: XmlNode, namespace: string): LayoutPage {
  const page = asArray(root.Page as XmlNode[])[0];
  if (!page) throw new XmlError(`${file}: PAGE file has no Page element`);
  const width = Number(page['@imageWidth']);
  const height = Number(page['@imageHeight']);
  if (!(width > 0 && height > 0)) throw new XmlError(`${file}: Page has no valid imageWidth/imageHeight`);
  let regions: LayoutRegion[] = sortByCustomIndex(collectRegions(page)).map((r, i) => ({
    id: String(r['@id'] ?? `region_${i + 1}`),
    polygon: parsePoints((r.Coords as XmlNode | undefined)?.['@points'] as string | undefined),
    lines: sortByCustomIndex(asArray(r.TextLine as XmlNode[])).map(readLine),
    ...regionType(r),
  }));
  const order = readingOrder(page);
  if (order.length) {
    const rank = new Map(order.map((id, i) => [id, i]));
    regions = [...regions].sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity));
  }
  return {
    format: namespace === PAGE_2013 ? 'page-2013' : 'page-2019',
    imageFilename: String(page['@imageFilename'] ?? ''),
    width,
    height,
    regions,
    warnings: [],
  };
}

/** PAGE XML 2019-07-15, valid against the official schema. */
export function writePage(page: LayoutPage, created = new Date()): string {
  const time = created.toISOString().replace(/\.\d+Z$/, '');
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<PcGts xmlns="${PAGE_2019}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${PAGE_2019} ${PAGE_2019}/pagecontent.xsd">`,
    `  <Metadata><Creator>Quire</Creator><Created>${time}</Created><LastChange>${time}</LastChange></Metadata>`,
    `  <Page imageFilename="${escapeXml(page.imageFilename)}" imageWidth="${page.width}" imageHeight="${page.height}">`,
  ];
  if (page.regions.length) {
    out.push('    <ReadingOrder>', '      <OrderedGroup id="reading_order">');
    page.regions.forEach((r, i) => out.push(`        <RegionRefIndexed index="${i}" regionRef="${escapeXml(r.id)}"/>`));
    out.push('      </OrderedGroup>', '    </ReadingOrder>');
  }
  for (const region of page.regions) {
    // PAGE's own @type, and the source's name beside it as eScriptorium writes region types
    // (SegmOnto names in a custom structure attribute), so neither vocabulary is lost.
    const type = region.type ? ` type="${region.type}"` : '';
    const custom = region.label ? ` custom="structure {type:${escapeXml(region.label.replace(/[;{}]/g, ''))};}"` : '';
    out.push(
      `    <TextRegion id="${escapeXml(region.id)}"${custom}${type}>`,
      `      <Coords points="${formatPoints(regionOutline(region))}"/>`,
    );
    for (const line of region.lines) {
      out.push(`      <TextLine id="${escapeXml(line.id)}">`, `        <Coords points="${formatPoints(line.polygon)}"/>`);
      if (line.baseline) out.push(`        <Baseline points="${formatPoints(line.baseline)}"/>`);
      if (line.text !== null) {
        const conf = line.confidence == null ? '' : ` conf="${Math.min(1, Math.max(0, line.confidence)).toFixed(4)}"`;
        out.push(`        <TextEquiv${conf}><Unicode>${escapeXml(line.text)}</Unicode></TextEquiv>`);
      }
      out.push('      </TextLine>');
    }
    out.push('    </TextRegion>');
  }
  out.push('  </Page>', '</PcGts>', '');
  return out.join('\n');
}
