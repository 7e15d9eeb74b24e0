// Writes the bundled sample project's source files into resources/sample: a few page scans
// made of generated handwritten lines, and a folder of line images of which some carry a
// transcription (NAME.gt.txt). Run: npx tsx bench/make-sample.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { synthLine } from './synth/handwriting.ts';

const root = new URL('../resources/sample/', import.meta.url).pathname;
rmSync(root, { recursive: true, force: true });
mkdirSync(`${root}pages`, { recursive: true });
mkdirSync(`${root}lines`, { recursive: true });

async function gray(img: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }) {
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } });
}

for (let p = 0; p < 3; p++) {
  const lines = Array.from({ length: 9 }, (_, i) => synthLine(500 + p, i, { digitShare: 0, minWords: 4, maxWords: 7, cleanPaper: true }));
  const width = 1400;
  const height = 120 + lines.reduce((a, l) => a + l.image.height + 18, 0);
  const composites = [];
  let y = 80;
  for (const l of lines) {
    composites.push({ input: await (await gray(l.image)).png().toBuffer(), left: 90, top: y, blend: 'darken' as const });
    y += l.image.height + 18;
  }
  await sharp({ create: { width, height, channels: 3, background: { r: 238, g: 230, b: 212 } } })
    .composite(composites)
    .withMetadata({ density: 150 })
    .jpeg({ quality: 85 })
    .toFile(`${root}pages/page-${p + 1}.jpg`);
}

for (let i = 0; i < 24; i++) {
  const l = synthLine(900, i, { digitShare: 0.1 });
  const name = `line-${String(i + 1).padStart(3, '0')}`;
  await (await gray(l.image)).png().toFile(`${root}lines/${name}.png`);
  if (i % 3 !== 2) writeFileSync(`${root}lines/${name}.gt.txt`, l.text + '\n');
}
console.log(`sample written to ${root}`);
