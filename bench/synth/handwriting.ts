// Synthetic handwritten text lines for development, tests and benchmarks.
// Lines are rendered with handwriting fonts from @fontsource through @napi-rs/canvas, each
// word with its own jitter, under random size, slant, stroke weight, ink, paper tone and
// noise; a share of lines are strings of real handwritten MNIST digits. Everything is
// deterministic by seed. Two hands are held out of training to measure generalisation.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { GlobalFonts, createCanvas } from '@napi-rs/canvas';
import { Rng } from '../../main/ml/random.ts';
import { Codec } from '../../main/ml/codec.ts';
import type { GrayImage } from '../../main/ml/line-image.ts';
import { WORDS } from './words.ts';

export const TRAINING_FONTS = [
  'caveat',
  'dancing-script',
  'homemade-apple',
  'shadows-into-light',
  'patrick-hand',
  'gloria-hallelujah',
  'reenie-beanie',
  'la-belle-aurore',
  'nothing-you-could-do',
  'cedarville-cursive',
] as const;
// More training hands, for experiments that need many writers (as real archives and the
// SeqCLR paper's datasets have), not a handful: the first ten stay TRAINING_FONTS so that
// earlier results keep their data.
export const MORE_TRAINING_FONTS = [
  'sacramento',
  'satisfy',
  'yellowtail',
  'allura',
  'great-vibes',
  'covered-by-your-grace',
  'just-another-hand',
  'schoolbell',
  'architects-daughter',
  'coming-soon',
  'sue-ellen-francisco',
  'waiting-for-the-sunrise',
  'zeyada',
  'over-the-rainbow',
  'dawning-of-a-new-day',
  'loved-by-the-king',
  'annie-use-your-telescope',
  'the-girl-next-door',
  'calligraffitti',
  'crafty-girls',
  'just-me-again-down-here',
  'give-you-glory',
  'handlee',
  'neucha',
  'short-stack',
  'gochi-hand',
  'marck-script',
  'bad-script',
  'pangolin',
  'caveat-brush',
  'mali',
  'itim',
  'delius',
  'kristi',
  'meddon',
] as const;
export const HELD_OUT_FONTS = ['indie-flower', 'kalam'] as const;
export type FontName = (typeof TRAINING_FONTS)[number] | (typeof MORE_TRAINING_FONTS)[number] | (typeof HELD_OUT_FONTS)[number];

/** The first `n` training hands: TRAINING_FONTS, then MORE_TRAINING_FONTS. */
export function trainingHands(n: number): FontName[] {
  const all = [...TRAINING_FONTS, ...MORE_TRAINING_FONTS];
  if (!(Number.isInteger(n) && n >= 1 && n <= all.length))
    throw new Error(`the number of training hands must be 1 to ${all.length}, not ${n}`);
  return all.slice(0, n);
}

const require = createRequire(import.meta.url);
const registered = new Set<string>();

function registerFont(name: FontName): void {
  if (registered.has(name)) return;
  const file = require.resolve(`@fontsource/${name}/files/${name}-latin-400-normal.woff2`);
  if (!GlobalFonts.registerFromPath(file, name)) throw new Error(`could not load font ${file}`);
  registered.add(name);
}

export interface SynthLine {
  text: string;
  image: GrayImage;
  font: FontName | 'mnist';
}

export interface SynthOptions {
  fonts?: readonly FontName[];
  /** Share of lines made of MNIST digits (0..1). */
  digitShare?: number;
  /** Words per line. */
  minWords?: number;
  maxWords?: number;
  /** White paper without noise, for composing lines onto a page. */
  cleanPaper?: boolean;
}

/** The text of one line: words from the list with capitals, numbers and punctuation. */
export function randomText(rng: Rng, minWords = 2, maxWords = 6): string {
  const n = rng.int(minWords, maxWords + 1);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = rng.next() < 0.08 ? String(rng.int(1, 2000)) : rng.pick(WORDS);
    if (i === 0 || rng.next() < 0.1) w = w[0].toUpperCase() + w.slice(1);
    if (rng.next() < 0.12) w += rng.pick([',', '.', ';', ':', '!', '?']);
    else if (rng.next() < 0.03) w = `(${w})`;
    else if (rng.next() < 0.03) w = `"${w}"`;
    else if (rng.next() < 0.02) w += "'s";
    words.push(w);
  }
  if (rng.next() < 0.05) words.splice(rng.int(1, words.length + 1), 0, '-');
  return words.join(' ');
}

function renderFontLine(text: string, font: FontName, rng: Rng, clean = false): GrayImage {
  registerFont(font);
  const size = rng.uniform(26, 40);
  const slant = rng.uniform(-0.25, 0.25);
  // Hands differ in letter width as much as in shape: condense or expand horizontally.
  const xScale = rng.uniform(0.8, 1.2);
  const height = Math.round(size * 1.7);
  const probe = createCanvas(8, 8).getContext('2d');
  probe.font = `${size}px "${font}"`;
  const words = text.split(' ');
  const spacing = probe.measureText(' ').width;
  const widths = words.map((w) => probe.measureText(w).width);
  const width = Math.ceil((widths.reduce((a, b) => a + b, 0) + spacing * 1.4 * words.length) * xScale + size * 1.5);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  const paper = clean ? 255 : rng.uniform(190, 255);
  g.fillStyle = `rgb(${paper},${paper},${paper})`;
  g.fillRect(0, 0, width, height);
  const ink = rng.uniform(0, 90);
  g.fillStyle = g.strokeStyle = `rgb(${ink},${ink},${ink * 0.9 + 10})`;
  g.lineWidth = rng.next() < 0.5 ? 0 : rng.uniform(0.3, 1.4);
  g.font = `${size}px "${font}"`;
  let x = size * 0.4;
  const baseline = height * 0.68;
  words.forEach((word, i) => {
    const dy = rng.normal() * size * 0.04;
    g.setTransform(xScale, 0, -slant, 1, slant * baseline, 0);
    g.fillText(word, x / xScale, baseline + dy);
    if (g.lineWidth > 0) g.strokeText(word, x / xScale, baseline + dy);
    x += (widths[i] + spacing * rng.uniform(0.8, 1.4)) * xScale;
  });
  g.setTransform(1, 0, 0, 1, 0, 0);
  return cropAndNoise(toGray(g.getImageData(0, 0, width, height)), rng, paper, clean);
}

let digits: Float32Array[][] | undefined;

function mnistDigits(): Float32Array[][] {
  if (!digits) {
    const dir = require.resolve('mnist/src/digits/0.json').replace(/0\.json$/, '');
    digits = Array.from({ length: 10 }, (_, d) => {
      const flat: number[] = JSON.parse(readFileSync(`${dir}${d}.json`, 'utf8')).data;
      return Array.from({ length: flat.length / 784 }, (_, i) => Float32Array.from(flat.slice(i * 784, (i + 1) * 784)));
    });
  }
  return digits;
}

function renderDigitLine(rng: Rng): { text: string; image: GrayImage } {
  const all = mnistDigits();
  const text = Array.from({ length: rng.int(3, 9) }, () => String(rng.int(0, 10))).join('');
  const scale = rng.uniform(1.3, 1.8);
  const cell = Math.round(28 * scale);
  const height = Math.round(cell * 1.3);
  const width = Math.round(text.length * cell * 0.85 + cell);
  const paper = rng.uniform(190, 255);
  const ink = rng.uniform(0, 90);
  const data = new Uint8Array(width * height).fill(paper);
  let x0 = Math.round(cell * 0.3);
  for (const ch of text) {
    const pool = all[Number(ch)];
    const img = pool[rng.int(0, pool.length)];
    const y0 = Math.round((height - cell) / 2 + rng.normal() * 2);
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const v = img[Math.min(27, Math.floor(y / scale)) * 28 + Math.min(27, Math.floor(x / scale))];
        const px = x0 + x;
        const py = y0 + y;
        if (v > 0 && px < width && py >= 0 && py < height) {
          const i = py * width + px;
          data[i] = Math.min(data[i], paper - v * (paper - ink));
        }
      }
    }
    x0 += Math.round(cell * rng.uniform(0.65, 0.85));
  }
  return { text, image: cropAndNoise({ width, height, data }, rng, paper) };
}

function toGray(img: { width: number; height: number; data: Uint8ClampedArray }): GrayImage {
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = Math.round((img.data[4 * i] + img.data[4 * i + 1] + img.data[4 * i + 2]) / 3);
  return { width: img.width, height: img.height, data };
}

/** Trims blank columns (keeping a small margin, as a segmenter would) and adds noise. */
function cropAndNoise(img: GrayImage, rng: Rng, paper: number, clean = false): GrayImage {
  const { width, height, data } = img;
  let left = width;
  let right = -1;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      if (data[y * width + x] < paper - 40) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        break;
      }
    }
  }
  if (right < 0) {
    left = 0;
    right = width - 1;
  }
  const margin = Math.round(height * rng.uniform(0.05, 0.25));
  const x0 = Math.max(0, left - margin);
  const x1 = Math.min(width - 1, right + margin);
  const w = x1 - x0 + 1;
  const out = new Uint8Array(w * height);
  const sigma = clean ? 0 : rng.uniform(0, 14);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < w; x++) {
      out[y * w + x] = Math.max(0, Math.min(255, Math.round(data[y * width + x0 + x] + rng.normal() * sigma)));
    }
  }
  return { width: w, height, data: out };
}

/** Line number `index` of the stream with this seed: the same pair always gives the same line. */
export function synthLine(seed: number, index: number, options: SynthOptions = {}): SynthLine {
  const rng = new Rng((seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
  rng.next();
  if (rng.next() < (options.digitShare ?? 0.1)) {
    const { text, image } = renderDigitLine(rng);
    return { text, image, font: 'mnist' };
  }
  const font = rng.pick(options.fonts ?? TRAINING_FONTS);
  const text = randomText(rng, options.minWords, options.maxWords);
  return { text, image: renderFontLine(text, font, rng, options.cleanPaper), font };
}

/** Every character the generator can produce, so that training and test share one codec. */
export function syntheticCharset(): Codec {
  const rng = new Rng(12345);
  const texts = Array.from({ length: 20000 }, () => randomText(rng, 1, 8));
  texts.push('0123456789');
  return Codec.fromTexts(texts);
}
