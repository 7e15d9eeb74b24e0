// Training pages for the segmentation network, rebuilt from the ground-truth checkouts
// (bench/seg/real-pages.ts): each page scaled to the network's page size with its targets
// rasterised, cached under scratch/seg-data so a second run does not decode the scans again.
// The cache is never committed (scratch/ is ignored).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { segTargets } from '../../main/layout/seg-targets.ts';
import type { SegSample } from '../../main/ml/seg-train.ts';
import { listPages, loadPage, type PageEntry } from './real-pages.ts';

const CACHE = 'scratch/seg-data';

/** `count` pages spread evenly over the collection (every k-th), so every sub-folder is represented. */
export function spreadPages(collection: string, count: number): PageEntry[] {
  const all = listPages(collection);
  if (all.length <= count) return all;
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]);
}

/**
 * Tuning pages: `count` pages of a training collection that a run on
 * spreadPages(collection, trainPages) leaves out, spread over the rest. Post-processing and
 * model choices are made on these; bench/seg/gpu-pack-seg.ts keeps them out of its pack.
 */
export function tuningPages(collection: string, count: number, trainPages: number): PageEntry[] {
  const used = new Set(spreadPages(collection, trainPages).map((e) => e.xml));
  const rest = listPages(collection).filter((e) => !used.has(e.xml));
  const n = Math.min(count, rest.length);
  return Array.from({ length: n }, (_, i) => rest[Math.floor((i * rest.length) / n)]);
}

export async function segSample(entry: PageEntry, pageSize: number): Promise<(SegSample & { lines: number }) | null> {
  const dir = join(CACHE, String(pageSize), entry.collection);
  const file = join(dir, `${basename(entry.xml, '.xml')}-${Buffer.from(entry.xml).toString('base64url').slice(-16)}.bin`);
  if (existsSync(file)) {
    const b = readFileSync(file);
    const width = b.readUInt32LE(0);
    const height = b.readUInt32LE(4);
    const lines = b.readUInt32LE(8);
    const n = width * height;
    return { width, height, lines, image: new Uint8Array(b.subarray(12, 12 + n)), targets: new Uint8Array(b.subarray(12 + n, 12 + 2 * n)) };
  }
  const page = await loadPage(entry, pageSize);
  if (!page) return null;
  const { width, height } = page.image;
  const data = new Uint8Array(page.image.data);
  const targets = segTargets(width, height, page.lines, page.regions);
  mkdirSync(dir, { recursive: true });
  const head = Buffer.alloc(12);
  head.writeUInt32LE(width, 0);
  head.writeUInt32LE(height, 4);
  head.writeUInt32LE(page.lines.length, 8);
  writeFileSync(file, Buffer.concat([head, data, targets]));
  return { width, height, lines: page.lines.length, image: data, targets };
}
