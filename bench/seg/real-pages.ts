// Real ground truth for segmentation: pages of the HTR-United checkouts in
// scratch/real-src (ALTO or PAGE with line polygons, baselines and region types), read with
// Quire's own layout readers and matched with their scans. Pages whose scan is missing are
// skipped. Which collections train and which are held out is fixed here, in one place.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import sharp from 'sharp';
import { readLayout } from '../../main/io/read-layout.ts';
import type { Point } from '../../main/io/layout.ts';
import type { GrayImage } from '../../main/ml/line-image.ts';
import { regionClass, type RegionClass } from '../../main/io/region-class.ts';

export const REAL_SRC = process.env.QUIRE_REAL_SRC ?? '/work/main/scratch/real-src';

/** Training collections. timeuscorpus is left out: its README says its layout is not segmenter ground truth. */
export const TRAIN_COLLECTIONS = [
  'HTR-United+lectaurep-repertoires',
  'banq-dcn+Copiste-d-un-jour',
  'HTR-United+CREMMA-MSS-18',
  'HTR-United+CREMMA-MSS-17',
  'FoNDUE-HTR+FONDUE-FR-MSS-18',
  'FoNDUE-HTR+FONDUE-FR-MSS-19',
  'HTR-United+lectaurep-bronod',
  'HTRomance-Project+modern-roman-languages',
];
/** Held out: only ever scored, never trained or tuned on. */
export const HELD_OUT_COLLECTIONS = ['alix-tz+peraire-ground-truth', 'HTR-United+CREMMA-MSS-19'];

export interface TruthLine {
  polygon: Point[];
  baseline: Point[] | null;
  region: RegionClass;
}

export interface TruthRegion {
  type: string | undefined;
  region: RegionClass;
  polygon: Point[];
}

export interface RealPage {
  collection: string;
  file: string;
  image: GrayImage;
  lines: TruthLine[];
  regions: TruthRegion[];
}

export interface PageEntry {
  collection: string;
  xml: string;
  image: string;
}

const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.JPG', '.JPEG', '.PNG'];

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.xml') && !f.split('/').some((part) => part.startsWith('.')))
    .sort()
    .map((f) => join(dir, f));
}

/** Images of a collection by file name; scans sit beside their layout files or in a sibling folder. */
function imageIndex(dir: string): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const f of readdirSync(dir, { recursive: true }).map(String)) {
    if (!IMAGE_EXTENSIONS.includes(extname(f))) continue;
    const name = basename(f);
    index.set(name, [...(index.get(name) ?? []), join(dir, f)]);
  }
  return index;
}

/** Length of the common directory prefix, to prefer the scan nearest to the layout file. */
const closeness = (a: string, b: string) => {
  const pa = a.split('/');
  const pb = b.split('/');
  let i = 0;
  while (i < pa.length && pa[i] === pb[i]) i++;
  return i;
};

/**
 * The scan of a layout file: the name the file gives, else the layout's own name with an
 * image extension; some exports prefix the name (imp_NAME.jpg for NAME.jpg), so a scan
 * whose name ends the wanted one also counts.
 */
function findImage(xml: string, text: string, index: Map<string, string[]>): string | null {
  const named = /(?:imageFilename="|<fileName>)\s*([^"<]+?)\s*(?:"|<\/fileName>)/.exec(text)?.[1];
  const stem = basename(xml, extname(xml));
  const wanted = [...(named ? [basename(named)] : []), ...IMAGE_EXTENSIONS.map((ext) => stem + ext)];
  for (const name of wanted) {
    let found = index.get(name);
    if (!found) {
      const key = [...index.keys()].find((k) => name.endsWith(k) && name.length - k.length <= 4);
      found = key ? index.get(key) : undefined;
    }
    if (found) return [...found].sort((a, b) => closeness(b, xml) - closeness(a, xml))[0];
  }
  return null;
}

/** Every page of a collection whose scan is on disk, in a stable order; a scan described twice (ALTO and PAGE) counts once. */
export function listPages(collection: string): PageEntry[] {
  const dir = join(REAL_SRC, collection);
  if (!existsSync(dir)) return [];
  const index = imageIndex(dir);
  const out: PageEntry[] = [];
  const seen = new Set<string>();
  for (const xml of xmlFiles(dir)) {
    const text = readFileSync(xml, 'utf8');
    if (!/<(PcGts|alto)[\s>]/.test(text)) continue;
    const image = findImage(xml, text, index);
    if (image && !seen.has(image)) {
      seen.add(image);
      out.push({ collection, xml, image });
    }
  }
  return out;
}

/**
 * Reads one page: the scan as grayscale, scaled so its longer side is at most `longSide`
 * (0: full size), and the true lines and regions in the scaled image's coordinates.
 * Null when the layout cannot be read or has no lines.
 */
export async function loadPage(entry: PageEntry, longSide = 0): Promise<RealPage | null> {
  let layout;
  try {
    layout = readLayout(entry.xml, readFileSync(entry.xml, 'utf8'));
  } catch {
    return null;
  }
  const meta = await sharp(entry.image).metadata();
  if (!meta.width || !meta.height) return null;
  // .rotate() below applies the EXIF orientation; 5-8 turn the scan a quarter, so the
  // stored width and height swap (the layout's coordinates are of the turned scan).
  const turned = (meta.orientation ?? 1) >= 5;
  const [w, h] = turned ? [meta.height, meta.width] : [meta.width, meta.height];
  const factor = longSide > 0 ? Math.min(1, longSide / Math.max(w, h)) : 1;
  const width = Math.max(1, Math.round(w * factor));
  const height = Math.max(1, Math.round(h * factor));
  const { data } = await sharp(entry.image)
    .rotate()
    .grayscale()
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Layout coordinates refer to the layout's declared size, which may differ from the file's.
  const sx = width / layout.width;
  const sy = height / layout.height;
  const scale = (points: Point[]): Point[] => points.map(([x, y]) => [x * sx, y * sy]);
  const lines: TruthLine[] = [];
  const regions: TruthRegion[] = [];
  for (const r of layout.regions) {
    // The source's own name (SegmOnto…) where it has one: the classes were defined on those.
    const name = r.label ?? r.type;
    const region = regionClass(name);
    if (r.polygon.length >= 3) regions.push({ type: name, region, polygon: scale(r.polygon) });
    for (const l of r.lines) lines.push({ polygon: scale(l.polygon), baseline: l.baseline ? scale(l.baseline) : null, region });
  }
  if (lines.length === 0) return null;
  return {
    collection: entry.collection,
    file: entry.xml,
    image: { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) },
    lines,
    regions,
  };
}
