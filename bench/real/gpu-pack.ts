// Packs the prepared real lines small enough to travel to a lent GPU machine, where
// bench/real/torch_train_base.py trains the base recognizer (docs/results/base-real.md,
// "GPU run"). The device takes at most 64 MiB with the repository, and the lines are
// 1 GB of pixels, so they travel as lossy WebP (about a tenth of the bytes, mean error
// ~3/255 — far below what the training augmentations change) and, where even that does not
// fit, as a balanced subset: lines are taken collection by collection, always from the
// collection with the fewest bytes taken so far, so the large collections are thinned and
// every collection (every hand) stays. Held-out collections never travel.
//   npx tsx bench/real/gpu-pack.ts --out .gpu-train --budget-mb 50
// Output: lines.bin (the WebP images end to end) and index.json (height, charset, lines
// with offset, bytes, width, text and collection, by split).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Rng } from '../../main/ml/random.ts';
import { loadCorpus, spread } from './corpus.ts';
import type { PackedLine } from './line-pack.ts';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: 'out/real-lines' },
    height: { type: 'string', default: '48' },
    out: { type: 'string', default: '.gpu-train' },
    'budget-mb': { type: 'string', default: '50' },
    quality: { type: 'string', default: '35' },
    'validation-lines': { type: 'string', default: '400' },
    seed: { type: 'string', default: '1' },
    // A pack made before (its index.json): its training lines are left out, so a second
    // pack carries the lines the first could not.
    exclude: { type: 'string' },
  },
});
const corpus = loadCorpus(args.lines!, Number(args.height));
const budget = Number(args['budget-mb']) * 2 ** 20;

interface Packed {
  split: 'train' | 'validation';
  collection: string;
  text: string;
  width: number;
  offset: number;
  bytes: number;
}
const blobs: Buffer[] = [];
const packed: Packed[] = [];
let offset = 0;
const add = async (line: PackedLine, split: Packed['split'], quality: number): Promise<number> => {
  const image = corpus.pack.image(line);
  const gray = Buffer.from(Uint8Array.from(image.data, (v) => Math.round(v * 255)));
  const webp = await sharp(gray, { raw: { width: image.width, height: image.height, channels: 1 } })
    .webp({ quality })
    .toBuffer();
  blobs.push(webp);
  packed.push({ split, collection: line.source, text: line.text, width: image.width, offset, bytes: webp.length });
  offset += webp.length;
  return webp.length;
};

// Validation first, at a higher quality: it chooses the checkpoint.
for (const line of spread(corpus.validation, Number(args['validation-lines']))) await add(line, 'validation', 80);

const rng = new Rng(Number(args.seed));
const key = (l: { collection: string; width: number; text: string }) => `${l.collection}\t${l.width}\t${l.text}`;
const excluded = new Set<string>(
  args.exclude ? (JSON.parse(readFileSync(args.exclude, 'utf8')) as { lines: Packed[] }).lines.map(key) : [],
);
const queues = new Map<string, PackedLine[]>();
for (const line of corpus.train) {
  if (excluded.has(key({ collection: line.source, width: line.width, text: line.text }))) continue;
  if (!queues.has(line.source)) queues.set(line.source, []);
  queues.get(line.source)!.push(line);
}
for (const q of queues.values()) rng.shuffle(q);
const taken = new Map([...queues.keys()].map((k) => [k, { lines: 0, bytes: 0, of: queues.get(k)!.length }]));
while (offset < budget) {
  const open = [...queues].filter(([, q]) => q.length > 0);
  if (open.length === 0) break;
  const [name, queue] = open.reduce((a, b) => (taken.get(a[0])!.bytes <= taken.get(b[0])!.bytes ? a : b));
  const t = taken.get(name)!;
  t.bytes += await add(queue.pop()!, 'train', Number(args.quality));
  t.lines++;
}

mkdirSync(args.out!, { recursive: true });
writeFileSync(join(args.out!, 'lines.bin'), Buffer.concat(blobs));
writeFileSync(
  join(args.out!, 'index.json'),
  JSON.stringify({ height: Number(args.height), charset: corpus.codec.chars, quality: Number(args.quality), lines: packed }),
);
for (const [name, t] of taken) console.log(`${name.padEnd(45)} ${t.lines} of ${t.of} lines, ${(t.bytes / 2 ** 20).toFixed(1)} MB`);
console.log(`${packed.length} lines, ${(offset / 2 ** 20).toFixed(1)} MB in ${args.out}`);
