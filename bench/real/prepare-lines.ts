// Rebuilds the real training lines from checkouts of the sources in sources.ts: reads every
// page's ALTO/PAGE, pairs it with its scan, cuts each transcribed line along its polygon,
// normalises the text and writes one pack per line height (line-pack.ts).
//   bash bench/real/checkout-sources.sh scratch/real-src      # git clone at the pinned commits
//   npx tsx bench/real/prepare-lines.ts --checkouts scratch/real-src --out out/real-lines --heights 48,64
// Pages whose scan is missing are skipped and counted; so are lines without text.
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import sharp from 'sharp';
import { readLayout } from '../../main/io/read-layout.ts';
import { gridMapping } from '../../main/import/page-grid.ts';
import { cutLine } from '../../main/images/line-straighten.ts';
import { toLineTensor } from '../../main/ml/line-image.ts';
import { normalizeLineText } from './normalize-text.ts';
import { checkoutName, REAL_SOURCES, type RealSource } from './sources.ts';
import { PackWriter, type PackSplit } from './line-pack.ts';

const { values: args } = parseArgs({
  options: {
    checkouts: { type: 'string', default: 'scratch/real-src' },
    out: { type: 'string', default: 'out/real-lines' },
    heights: { type: 'string', default: '48,64' },
    sources: { type: 'string' },
    // Cut lines along their baselines (line-straighten.ts) rather than as their polygons' boxes.
    straighten: { type: 'boolean', default: false },
  },
});
const heights = args.heights!.split(',').map(Number);
const only = args.sources?.split(',');
const IMAGE = /\.(jpe?g|png|tiff?)$/i;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) walk(p, out);
    } else out.push(p);
  }
  return out;
}

const hashFraction = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;

/** Validation pages of training collections, test pages of held-out ones: fixed by page path. */
function splitOf(source: RealSource, page: string): PackSplit {
  if (source.role === 'train') return hashFraction(page) < 0.03 ? 'validation' : 'train';
  // The peraire repository ships its own train/test folders; elsewhere 30 % of the pages.
  if (/(^|\/)test\//.test(page)) return 'test';
  if (/(^|\/)train\//.test(page)) return 'pool';
  return hashFraction(page) < 0.3 ? 'test' : 'pool';
}

/** The XML files to read: one format per repository, the normalised twin where there is one. */
function layoutFiles(files: string[], source: RealSource): string[] {
  const xml = files.filter((f) => f.endsWith('.xml'));
  const set = new Set(xml);
  return xml
    .filter((f) => !set.has(f.replace(/\.xml$/, '.chocomufin.xml')))
    .filter((f) => {
      const head = readFileSync(f, 'utf8').slice(0, 2000);
      return source.format === 'alto' ? /<alto[\s>]/.test(head) : /<PcGts[\s>]/.test(head);
    });
}

/** The scan an XML names: beside it, one folder up, or anywhere in the checkout by name. */
function findImage(xmlFile: string, name: string, byName: Map<string, string[]>): string | undefined {
  const file = basename(name.replace(/\\/g, '/'));
  for (const dir of [dirname(xmlFile), dirname(dirname(xmlFile))]) if (existsSync(join(dir, file))) return join(dir, file);
  const candidates = byName.get(file) ?? [];
  return candidates.length === 1 ? candidates[0] : candidates.find((c) => dirname(c) === dirname(dirname(xmlFile)));
}

mkdirSync(args.out!, { recursive: true });
const packs = heights.map((h) => new PackWriter(args.out!, h));
const stats: Record<string, { pages: number; missingImages: number; lines: number; skipped: number; resized: number }> = {};

for (const source of REAL_SOURCES.filter((s) => !only || only.includes(s.repo))) {
  const root = join(args.checkouts!, checkoutName(source));
  if (!existsSync(root)) {
    console.error(`${source.repo}: no checkout at ${root}, skipped`);
    continue;
  }
  const files = walk(root);
  const byName = new Map<string, string[]>();
  for (const f of files.filter((f) => IMAGE.test(f))) byName.set(basename(f), [...(byName.get(basename(f)) ?? []), f]);
  const s = (stats[source.repo] = { pages: 0, missingImages: 0, lines: 0, skipped: 0, resized: 0 });
  for (const xmlFile of layoutFiles(files, source).sort()) {
    const page = relative(root, xmlFile);
    let layout;
    try {
      layout = readLayout(xmlFile, readFileSync(xmlFile, 'utf8'));
    } catch (e) {
      console.error(`${page}: ${(e as Error).message}`);
      continue;
    }
    const image = findImage(xmlFile, layout.imageFilename, byName);
    if (!image || statSync(image).size === 0) {
      s.missingImages++;
      continue;
    }
    let decoded: { data: Buffer; info: sharp.OutputInfo };
    let meta: sharp.Metadata;
    try {
      meta = await sharp(image, { limitInputPixels: false }).metadata();
      decoded = await sharp(image, { limitInputPixels: false }).rotate().grayscale().raw().toBuffer({ resolveWithObject: true });
    } catch (e) {
      console.error(`${page}: ${image}: ${(e as Error).message}`);
      s.missingImages++;
      continue;
    }
    const { info, data } = decoded;
    // The XML may describe the stored or the EXIF-turned pixel grid (or another size): the
    // importer's mapping puts its coordinates on the same ink in the turned image.
    const mapping = !(layout.width > 0 && layout.height > 0)
      ? { map: (p: [number, number]) => p, note: null }
      : gridMapping(
          {
            declared: { width: layout.width, height: layout.height },
            stored: { width: meta.width ?? info.width, height: meta.height ?? info.height },
            shown: { width: info.width, height: info.height },
            orientation: meta.orientation ?? 1,
          },
          basename(image),
        );
    if (mapping.note) s.resized++;
    s.pages++;
    const split = splitOf(source, page);
    for (const line of layout.regions.flatMap((r) => r.lines)) {
      const text = line.text === null ? null : normalizeLineText(line.text, source.quirks);
      const polygon = line.polygon.map(mapping.map);
      const pixels = { width: info.width, height: info.height, channels: info.channels, data };
      // Without --straighten no baseline is given, so cutLine cuts the polygon's box.
      const baseline = args.straighten ? (line.baseline?.map(mapping.map) ?? null) : null;
      const crop = !text || polygon.length < 3 ? null : cutLine(pixels, polygon, baseline);
      if (!text || !crop || crop.height < 8 || crop.width < 8) {
        s.skipped++;
        continue;
      }
      for (const p of packs) p.add({ source: checkoutName(source), page, lineId: line.id, split, text }, toLineTensor(crop, p.height));
      s.lines++;
    }
  }
  console.log(
    `${source.repo}: ${s.pages} pages (${s.missingImages} without scan), ${s.lines} lines, ${s.skipped} skipped${s.resized ? `, ${s.resized} pages in another grid` : ''}`,
  );
}
for (const p of packs) p.finish();
writeFileSync(join(args.out!, 'stats.json'), JSON.stringify(stats, null, 1));
