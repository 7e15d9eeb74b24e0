// Generated manuscript pages with known lines, for measuring segmentation: handwritten
// lines laid out in one column with varying spacing and indentation on toned, noisy
// paper, the whole page turned by a small skew. The truth for each line is the tight box
// around its ink, turned with the page.
import { Rng } from '../../main/ml/random.ts';
import type { GrayImage } from '../../main/ml/line-image.ts';
import type { Point } from '../../main/io/layout.ts';
import { synthLine } from './handwriting.ts';

export interface SynthPage {
  image: GrayImage;
  lines: Array<{ text: string; polygon: Point[] }>;
  /** Marginal notes (with `marginNotes`), in the left margin beside the main column; not in `lines`. */
  notes: Array<{ text: string; polygon: Point[] }>;
  skewDegrees: number;
}

export interface SynthPageOptions {
  width?: number;
  lines?: number;
  /** Largest skew in degrees; each page draws one in ±maxSkew. */
  maxSkew?: number;
  /** Short notes of one or two words written in a wide left margin, beside this many main lines. */
  marginNotes?: number;
}

export function synthPage(seed: number, o: SynthPageOptions = {}): SynthPage {
  const rng = new Rng(seed * 7919 + 17);
  const width = o.width ?? 1400;
  const count = o.lines ?? rng.int(8, 20);
  const margin = Math.round(width * 0.07);
  // With marginal notes the main column moves right, leaving a note column and a gap.
  const noteColumn = o.marginNotes ? Math.round(width * 0.2) : 0;
  const left = margin + noteColumn + (o.marginNotes ? Math.round(width * 0.05) : 0);
  type Placed = { text: string; img: GrayImage; x: number; y: number; box: [number, number, number, number] };
  const placed: Placed[] = [];
  let y = margin;
  for (let i = 0; placed.length < count && i < count * 3; i++) {
    const line = synthLine(seed * 1000 + 7, i, { cleanPaper: true, digitShare: 0, minWords: 3, maxWords: 9 });
    if (line.image.width > width - margin - left) continue;
    const box = inkBox(line.image);
    if (!box) continue;
    const x = left + rng.int(0, Math.round(width * 0.05));
    placed.push({ text: line.text, img: line.image, x, y, box });
    // Spacing from tight (ascenders almost touch descenders) to generous.
    y += Math.round(line.image.height * rng.uniform(0.85, 1.4));
  }
  // Notes beside every other main line from the second on, each a word or two that fits the column.
  const notes: Placed[] = [];
  for (let i = 0, at = 1; notes.length < (o.marginNotes ?? 0) && at < placed.length && i < 200; i++) {
    const line = synthLine(seed * 1000 + 11, i, { cleanPaper: true, digitShare: 0, minWords: 1, maxWords: 2 });
    const box = inkBox(line.image);
    if (!box || line.image.width > noteColumn) continue;
    notes.push({ text: line.text, img: line.image, x: margin, y: placed[at].y, box });
    at += 2;
  }
  const height = y + margin;
  const paper = rng.int(205, 245);
  const flat = new Uint8Array(width * height).fill(paper);
  for (const p of [...placed, ...notes]) {
    for (let yy = 0; yy < p.img.height; yy++) {
      for (let xx = 0; xx < p.img.width; xx++) {
        const i = (p.y + yy) * width + p.x + xx;
        // Darken blend: ink on paper, the line image's own white background disappears.
        flat[i] = Math.min(flat[i], Math.round((p.img.data[yy * p.img.width + xx] * paper) / 255));
      }
    }
  }
  const skewDegrees = rng.uniform(-(o.maxSkew ?? 2), o.maxSkew ?? 2);
  const image = rotate({ width, height, data: flat }, skewDegrees, paper, rng);
  const turn = rotation(skewDegrees, width, height);
  const truth = (p: Placed) => {
    const [x0, y0, x1, y1] = p.box;
    const corners: Point[] = [
      [p.x + x0, p.y + y0],
      [p.x + x1, p.y + y0],
      [p.x + x1, p.y + y1],
      [p.x + x0, p.y + y1],
    ];
    return { text: p.text, polygon: corners.map(([cx, cy]) => turn(cx, cy)) };
  };
  return { image, lines: placed.map(truth), notes: notes.map(truth), skewDegrees };
}

function inkBox(img: GrayImage): [number, number, number, number] | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x] < 160) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 + 1, y1 + 1];
}

/** Maps a point of the flat page to the turned page (rotation about the centre). */
function rotation(degrees: number, width: number, height: number) {
  const a = (degrees * Math.PI) / 180;
  const cx = width / 2;
  const cy = height / 2;
  return (x: number, y: number): Point => [
    Math.round(cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a)),
    Math.round(cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a)),
  ];
}

function rotate(img: GrayImage, degrees: number, paper: number, rng: Rng): GrayImage {
  const a = (degrees * Math.PI) / 180;
  const { width, height } = img;
  const cx = width / 2;
  const cy = height / 2;
  const out = new Uint8Array(width * height);
  const noise = rng.uniform(2, 10);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Inverse mapping with bilinear sampling, so thin strokes survive.
      const sx = cx + (x - cx) * Math.cos(a) + (y - cy) * Math.sin(a);
      const sy = cy - (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (xx: number, yy: number) => (xx >= 0 && yy >= 0 && xx < width && yy < height ? img.data[yy * width + xx] : paper);
      const v =
        at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy;
      out[y * width + x] = Math.max(0, Math.min(255, Math.round(v + rng.normal() * noise)));
    }
  }
  return { width, height, data: out };
}
