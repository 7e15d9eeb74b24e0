// ALTO (v2, v3, v4) to and from the layout model. Lines come from TextLine (Shape/Polygon
// when present, else the HPOS/VPOS/WIDTH/HEIGHT box); text is the line's String CONTENTs
// joined by single spaces (SP); BASELINE is either points (ALTO ≥ 4.2) or one y value.
import { asArray, escapeXml, XmlError, type XmlNode } from './xml.ts';
import {
  boundingBox,
  formatPoints,
  parsePoints,
  rectangle,
  regionOutline,
  type LayoutFormat,
  type LayoutLine,
  type LayoutPage,
  type LayoutRegion,
  type Point,
} from './layout.ts';
import { typeAndLabel } from './region-class.ts';

export const ALTO_NAMESPACES: Record<string, LayoutFormat> = {
  'http://www.loc.gov/standards/alto/ns-v2#': 'alto-2',
  'http://www.loc.gov/standards/alto/ns-v3#': 'alto-3',
  'http://www.loc.gov/standards/alto/ns-v4#': 'alto-4',
};
export const ALTO_4 = 'http://www.loc.gov/standards/alto/ns-v4#';

const num = (node: XmlNode, key: string) => Number(node[`@${key}`] ?? NaN);

function box(node: XmlNode): Point[] {
  const [x, y, w, h] = ['HPOS', 'VPOS', 'WIDTH', 'HEIGHT'].map((k) => num(node, k));
  return [x, y, w, h].every(Number.isFinite) ? rectangle(x, y, w, h) : [];
}

function shape(node: XmlNode): Point[] {
  const polygon = (node.Shape as XmlNode | undefined)?.Polygon as XmlNode | undefined;
  const points = parsePoints(polygon?.['@POINTS'] as string | undefined);
  return points.length >= 3 ? points : box(node);
}

function readBaseline(node: XmlNode, polygon: Point[]): Point[] | null {
  const raw = node['@BASELINE'];
  if (raw === undefined) return null;
  const points = parsePoints(String(raw));
  if (points.length >= 2) return points;
  // ALTO 2/3: BASELINE is the y of a horizontal baseline across the line's box.
  const y = Number(raw);
  if (!Number.isFinite(y) || polygon.length === 0) return null;
  const b = boundingBox(polygon);
  return [
    [b.x, y],
    [b.x + b.w, y],
  ];
}

const hyphen = (line: XmlNode) =>
  asArray(line.HYP as XmlNode[])
    .map((h) => String(h['@CONTENT'] ?? ''))
    .join('');

function readLine(node: XmlNode, index: number): LayoutLine {
  const strings = asArray(node.String as XmlNode[]);
  const words = strings.map((s) => String(s['@CONTENT'] ?? '')).filter((w) => w.length > 0);
  const confidences = strings.map((s) => Number(s['@WC'])).filter(Number.isFinite);
  const polygon = shape(node);
  return {
    id: String(node['@ID'] ?? `line_${index + 1}`),
    polygon,
    baseline: readBaseline(node, polygon),
    // A line without words (or only empty ones) has no transcription, not an empty one. Its
    // HYP is the hyphen that ends it (ALTO: a hyphenation mark at the end of the line).
    text: words.length ? (words.join(' ') + hyphen(node)).normalize('NFC') : null,
    confidence: confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null,
  };
}

/** TextBlocks in document order, also inside ComposedBlocks. */
function blocks(node: XmlNode, out: XmlNode[] = []): XmlNode[] {
  for (const key of ['TextBlock', 'ComposedBlock']) {
    for (const child of asArray(node[key] as XmlNode[])) {
      if (key === 'TextBlock') out.push(child);
      else blocks(child, out);
    }
  }
  return out;
}

export function readAlto(file: string, root: XmlNode, format: LayoutFormat): LayoutPage {
  const description = (root.Description ?? {}) as XmlNode;
  const unit = String(description.MeasurementUnit ?? 'pixel').trim();
  if (unit !== 'pixel') throw new XmlError(`${file}: MeasurementUnit ${unit} is not supported (only pixel)`);
  const page = asArray(((root.Layout ?? {}) as XmlNode).Page as XmlNode[])[0];
  if (!page) throw new XmlError(`${file}: ALTO file has no Layout/Page element`);
  const width = num(page, 'WIDTH');
  const height = num(page, 'HEIGHT');
  if (!(width > 0 && height > 0)) throw new XmlError(`${file}: Page has no valid WIDTH/HEIGHT`);
  // Block types are tags referenced from the block's TAGREFS: eScriptorium writes OtherTags,
  // other tools StructureTags or LayoutTags; ALTO fixes no vocabulary, so the tag's label is
  // mapped to a PAGE type and kept as the region's label.
  const tagRoot = (root.Tags ?? {}) as XmlNode;
  const tags = new Map(
    ['OtherTag', 'StructureTag', 'LayoutTag', 'RoleTag']
      .flatMap((kind) => asArray(tagRoot[kind] as XmlNode[]))
      .map((t) => [String(t['@ID']), String(t['@LABEL'] ?? '')]),
  );
  const typeOf = (b: XmlNode): Pick<LayoutRegion, 'type' | 'label'> => {
    const name = String(b['@TAGREFS'] ?? '')
      .split(/\s+/)
      .map((ref) => tags.get(ref))
      .find(Boolean);
    if (!name) return {};
    const { type, label } = typeAndLabel(name);
    return { type, ...(label ? { label } : {}) };
  };
  const spaces = ['TopMargin', 'LeftMargin', 'RightMargin', 'BottomMargin', 'PrintSpace'].flatMap((k) => asArray(page[k] as XmlNode[]));
  const regions = spaces
    .flatMap((s) => blocks(s))
    .map((b, i) => ({
      id: String(b['@ID'] ?? `block_${i + 1}`),
      polygon: shape(b),
      lines: asArray(b.TextLine as XmlNode[]).map(readLine),
      ...typeOf(b),
    }));
  const info = (description.sourceImageInformation ?? {}) as XmlNode;
  return { format, imageFilename: String(info.fileName ?? '').trim(), width, height, regions, warnings: [] };
}

/**
 * The name a block's type tag carries: the source's own name where it names the region's
 * type, else the PAGE type. (ALTO has one name where PAGE has a type and a name: a PAGE
 * region typed "heading" but named "MainZone" would come back from ALTO as main text.)
 */
const tagName = (region: LayoutRegion) =>
  region.label !== undefined && typeAndLabel(region.label).type === region.type ? region.label : region.type;
/** The distinct type names of a page, in order of first use: one OtherTag each. */
const regionTypes = (page: LayoutPage) => [...new Set(page.regions.flatMap((r) => (tagName(r) ? [tagName(r)!] : [])))];
const tagId = (page: LayoutPage, type: string) => `BT${regionTypes(page).indexOf(type) + 1}`;

/** Region types as eScriptorium writes them: OtherTags referenced from each TextBlock's TAGREFS. */
function typeTags(page: LayoutPage): string[] {
  const types = regionTypes(page);
  if (types.length === 0) return [];
  return [
    '  <Tags>',
    ...types.map(
      (t) => `    <OtherTag ID="${tagId(page, t)}" TYPE="block" LABEL="${escapeXml(t)}" DESCRIPTION="block type ${escapeXml(t)}"/>`,
    ),
    '  </Tags>',
  ];
}

/** ALTO v4 (4.2 features: point baselines), valid against the official 4.2 and 4.4 schemas. */
export function writeAlto(page: LayoutPage): string {
  const attrsBox = (points: Point[]) => {
    const b = boundingBox(points);
    return `HPOS="${b.x}" VPOS="${b.y}" WIDTH="${b.w}" HEIGHT="${b.h}"`;
  };
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alto xmlns="${ALTO_4}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${ALTO_4} http://www.loc.gov/standards/alto/v4/alto-4-2.xsd">`,
    '  <Description>',
    '    <MeasurementUnit>pixel</MeasurementUnit>',
    `    <sourceImageInformation><fileName>${escapeXml(page.imageFilename)}</fileName></sourceImageInformation>`,
    '  </Description>',
    ...typeTags(page),
    '  <Layout>',
    `    <Page ID="page_1" PHYSICAL_IMG_NR="1" WIDTH="${page.width}" HEIGHT="${page.height}">`,
    `      <PrintSpace HPOS="0" VPOS="0" WIDTH="${page.width}" HEIGHT="${page.height}">`,
  ];
  for (const region of page.regions) {
    const outline = regionOutline(region);
    const tagRef = tagName(region) ? ` TAGREFS="${tagId(page, tagName(region)!)}"` : '';
    out.push(
      `        <TextBlock ID="${escapeXml(region.id)}" ${attrsBox(outline)}${tagRef}>`,
      `          <Shape><Polygon POINTS="${formatPoints(outline)}"/></Shape>`,
    );
    for (const line of region.lines) {
      const baseline = line.baseline ? ` BASELINE="${formatPoints(line.baseline)}"` : '';
      out.push(
        `          <TextLine ID="${escapeXml(line.id)}" ${attrsBox(line.polygon)}${baseline}>`,
        `            <Shape><Polygon POINTS="${formatPoints(line.polygon)}"/></Shape>`,
      );
      // Words part at ASCII white space only: a no-break space (U+00A0, U+202F, as in French
      // "10 000" or "Quoi ?") is part of the text, kept inside its String.
      const words = (line.text ?? '').split(/[ \t\n\r]+/).filter(Boolean);
      const wc = line.confidence == null ? '' : ` WC="${Math.min(1, Math.max(0, line.confidence)).toFixed(4)}"`;
      if (words.length === 0) words.push('');
      words.forEach((w, i) => {
        if (i > 0) out.push('            <SP/>');
        out.push(`            <String CONTENT="${escapeXml(w)}"${wc}/>`);
      });
      out.push('          </TextLine>');
    }
    out.push('        </TextBlock>');
  }
  out.push('      </PrintSpace>', '    </Page>', '  </Layout>', '</alto>', '');
  return out.join('\n');
}
