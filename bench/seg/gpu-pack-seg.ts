// Packs the segmentation training pages small enough to travel to a lent GPU machine, where
// bench/seg/torch_train_seg.py trains the segmenter (docs/results/segmentation.md, "GPU
// training"). Every usable page of the training collections is a candidate (not only the
// 80 per collection the CPU runs take), at the network's page size (segSample: the cached
// scaled page and its rasterised targets). Pages travel as lossy WebP (the mean error is
// measured and printed: far below the gain/shift jitter of training) and their targets as
// lossless 8-bit gray PNG (the bit of map m is bit m of the byte, as in SegSample), checked
// to decode exactly. Where the budget does not hold them all, pages are taken collection by
// collection, always from the one with the fewest bytes taken so far (gpu-pack.ts's water
// filling), so every collection travels and the large ones are thinned.
// The tuning pages (bench/segmentation.ts --dev N --train-pages-per-collection T) never
// travel, so models trained on the pack can still be chosen on them; a few more pages per
// collection travel as the run's validation pages. Held-out collections are never read.
//   npx tsx bench/seg/gpu-pack-seg.ts --out .gpu-seg --budget-mb 40
// Output: pages.bin (WebP and PNG blobs end to end) and index.json (page size, maps, pages
// with collection, split, size, lines and the offset/bytes of their image and targets).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Rng } from '../../main/ml/random.ts';
import { SEG_OUTPUTS } from '../../main/ml/seg-net.ts';
import type { SegSample } from '../../main/ml/seg-train.ts';
import { listPages, REAL_SRC, TRAIN_COLLECTIONS, type PageEntry } from './real-pages.ts';
import { segSample, tuningPages } from './seg-data.ts';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: '.gpu-seg' },
    'budget-mb': { type: 'string', default: '40' },
    'page-size': { type: 'string', default: '640' },
    quality: { type: 'string', default: '50' },
    // The tuning pages kept out: the same arguments as bench/segmentation.ts's --dev.
    dev: { type: 'string', default: '4' },
    'train-pages-per-collection': { type: 'string', default: '80' },
    'validation-pages': { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
});
const pageSize = Number(args['page-size']);
const budget = Number(args['budget-mb']) * 2 ** 20;
const quality = Number(args.quality);

interface PackedPage {
  split: 'train' | 'validation';
  collection: string;
  file: string;
  width: number;
  height: number;
  lines: number;
  image: { offset: number; bytes: number };
  targets: { offset: number; bytes: number };
}
const blobs: Buffer[] = [];
const packed: PackedPage[] = [];
let offset = 0;
let errorSum = 0;
let pixels = 0;
const blob = (b: Buffer) => {
  blobs.push(b);
  offset += b.length;
  return { offset: offset - b.length, bytes: b.length };
};
const gray = (s: SegSample, data: Uint8Array) =>
  sharp(Buffer.from(data.buffer, data.byteOffset, data.length), { raw: { width: s.width, height: s.height, channels: 1 } });
const decodeGray = async (b: Buffer) => (await sharp(b).grayscale().raw().toBuffer({ resolveWithObject: true })).data;

/** Adds a page (its cached sample: pages are not all held in memory); returns its bytes. */
async function add(entry: PageEntry, split: PackedPage['split']): Promise<number> {
  const at = offset;
  const s = (await segSample(entry, pageSize))!;
  const webp = await gray(s, s.image).webp({ quality }).toBuffer();
  const png = await gray(s, s.targets).png({ compressionLevel: 9 }).toBuffer();
  // The targets must come back bit for bit; the image's error is measured.
  if (!(await decodeGray(png)).equals(Buffer.from(s.targets))) throw new Error(`${entry.xml}: the targets' PNG does not decode exactly`);
  const back = await decodeGray(webp);
  for (let k = 0; k < back.length; k++) errorSum += Math.abs(back[k] - s.image[k]);
  pixels += back.length;
  const file = relative(REAL_SRC, entry.xml);
  packed.push({
    split,
    collection: entry.collection,
    file,
    width: s.width,
    height: s.height,
    lines: s.lines,
    image: blob(webp),
    targets: blob(png),
  });
  return offset - at;
}

const rng = new Rng(Number(args.seed));
const queues = new Map<string, Array<[PageEntry, number]>>();
const taken = new Map<string, { pages: number; lines: number; bytes: number; usable: number; tuning: number }>();
for (const collection of TRAIN_COLLECTIONS) {
  const tuning = new Set(tuningPages(collection, Number(args.dev), Number(args['train-pages-per-collection'])).map((e) => e.xml));
  const usable: Array<[PageEntry, number]> = [];
  const all = listPages(collection);
  for (const [i, entry] of all.entries()) {
    process.stderr.write(`\r${collection} ${i + 1}/${all.length}`);
    if (tuning.has(entry.xml)) continue;
    const s = await segSample(entry, pageSize);
    if (s) usable.push([entry, s.lines]);
  }
  process.stderr.write('\n');
  // Validation pages spread over the collection (as spreadPages does), the rest shuffled.
  const n = Math.min(Number(args['validation-pages']), Math.floor(usable.length / 4));
  const validation = new Set(Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * usable.length) / n)));
  for (const i of validation) await add(usable[i][0], 'validation');
  queues.set(collection, rng.shuffle(usable.filter((_, i) => !validation.has(i))));
  taken.set(collection, { pages: 0, lines: 0, bytes: 0, usable: usable.length - n, tuning: tuning.size });
}
const validationBytes = offset;
while (offset < budget) {
  const open = [...queues].filter(([, q]) => q.length > 0);
  if (open.length === 0) break;
  const [name, queue] = open.reduce((a, b) => (taken.get(a[0])!.bytes <= taken.get(b[0])!.bytes ? a : b));
  const t = taken.get(name)!;
  const [entry, lines] = queue.pop()!;
  t.bytes += await add(entry, 'train');
  t.pages++;
  t.lines += lines;
}

mkdirSync(args.out!, { recursive: true });
writeFileSync(join(args.out!, 'pages.bin'), Buffer.concat(blobs));
const sources = Object.fromEntries([...taken].map(([k, t]) => [k, { pages: t.pages, lines: t.lines }]));
writeFileSync(join(args.out!, 'index.json'), JSON.stringify({ pageSize, maps: SEG_OUTPUTS, quality, sources, pages: packed }));
for (const [name, t] of taken)
  console.log(
    `${name.padEnd(45)} ${t.pages} of ${t.usable} pages (${t.tuning} tuning pages kept out), ${t.lines} lines, ${(t.bytes / 2 ** 20).toFixed(1)} MB`,
  );
const validation = packed.filter((p) => p.split === 'validation');
console.log(
  `validation: ${validation.length} pages, ${validation.reduce((a, p) => a + p.lines, 0)} lines, ${(validationBytes / 2 ** 20).toFixed(1)} MB`,
);
const images = packed.reduce((a, p) => a + p.image.bytes, 0);
console.log(
  `${packed.length} pages, ${(offset / 2 ** 20).toFixed(1)} MB in ${args.out} (images ${(images / 2 ** 20).toFixed(1)} MB as WebP q${quality}, ` +
    `mean error ${(errorSum / pixels).toFixed(2)}/255; targets ${((offset - images) / 2 ** 20).toFixed(1)} MB as PNG)`,
);
