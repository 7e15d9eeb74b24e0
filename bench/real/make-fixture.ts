// Writes test/fixtures/real-lines/: a few test lines of each held-out collection (other
// writers than the base model's training collections, CC-BY 4.0) as PNG line images with
// their transcriptions, so a fresh clone can check what the bundled base model reads on
// real handwriting (test/unit/ml/real-lines.test.ts) without the line packs.
//   npx tsx bench/real/make-fixture.ts [--lines out/real-lines] [--per-collection 16]
import { parseArgs } from 'node:util';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { corpusAt, spread } from './corpus.ts';
import { checkoutName, REAL_SOURCES } from './sources.ts';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: 'out/real-lines' },
    'per-collection': { type: 'string', default: '16' },
    out: { type: 'string', default: 'test/fixtures/real-lines' },
  },
});
// 64 px keeps the strokes; the model scales lines to its own height.
const HEIGHT = 64;
const corpus = corpusAt(args.lines!, HEIGHT);
rmSync(args.out!, { recursive: true, force: true });
mkdirSync(args.out!, { recursive: true });
const index: Array<{ file: string; text: string; source: string; commit: string; licence: string; page: string }> = [];
for (const source of REAL_SOURCES.filter((s) => s.role === 'held-out')) {
  const name = checkoutName(source);
  const held = corpus.heldOut.get(name);
  if (!held) throw new Error(`${name} is not in ${args.lines}`);
  for (const [k, line] of spread(held.test, Number(args['per-collection'])).entries()) {
    const image = corpus.image(line);
    // Ink 1 → black on white, as a scan.
    const pixels = Uint8Array.from(image.data, (v) => 255 - Math.round(v * 255));
    const file = `${name}-${String(k).padStart(2, '0')}.png`;
    await sharp(pixels, { raw: { width: image.width, height: image.height, channels: 1 } })
      .png({ compressionLevel: 9 })
      .toFile(`${args.out}/${file}`);
    index.push({ file, text: line.text, source: source.repo, commit: source.commit, licence: source.licence, page: line.page });
  }
}
writeFileSync(`${args.out}/lines.json`, JSON.stringify(index, null, 1) + '\n');
writeFileSync(
  `${args.out}/README.md`,
  [
    '# Real handwritten lines (held out)',
    '',
    `Test lines of the held-out collections of bench/real/sources.ts, ${args['per-collection']} each, ${HEIGHT} px high,`,
    'written by `npx tsx bench/real/make-fixture.ts`. Neither collection is used to train or tune',
    'the base model. Transcriptions are normalised as for training (bench/real/normalize-text.ts).',
    '',
    ...REAL_SOURCES.filter((s) => s.role === 'held-out').map((s) => `- ${s.repo} @ ${s.commit}, ${s.licence}: ${s.description}.`),
    '',
    'Licence: CC BY 4.0, as the sources; the line images are crops of their scans.',
    '',
  ].join('\n'),
);
console.log(`${index.length} lines in ${args.out}`);
