// Cuts line images out of page scans: the line's box from the page's grayscale copy, with
// everything outside its polygon painted as paper, so neighbouring lines do not leak in.
import sharp from 'sharp';
import type { GrayImage } from '../ml/line-image.ts';
import type { Point } from '../io/layout.ts';
import { contains } from '../layout/polygon.ts';
import type { Project } from './project.ts';

interface LineGeometry { id: number; image_hash: string; polygon: string; box_x: number; box_y: number; box_w: number; box_h: number }

// Moving from line to line in the transcription panel asks for crops of the same page one
// after another: keep the last few decoded pages (one byte per pixel) instead of decoding a
// 48-megapixel scan for every line.
const CACHED_PAGES = 2;
const decoded = new Map<string, Promise<{ data: Buffer; info: sharp.OutputInfo }>>();

/** A page's grayscale copy as one byte per pixel (recently used pages come from memory). */
export function grayPage(project: Project, hash: string): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  const key = `${project.root}:${hash}`;
  let page = decoded.get(key);
  if (page) decoded.delete(key);
  else page = sharp(project.images.path(hash, 'gray'), { limitInputPixels: false }).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  decoded.set(key, page);
  page.catch(() => decoded.delete(key));
  while (decoded.size > CACHED_PAGES) decoded.delete(decoded.keys().next().value!);
  return page;
}

/** Gray line images by line id, decoding each page once. */
export async function lineImages(project: Project, lineIds: number[]): Promise<Map<number, GrayImage>> {
  const out = new Map<number, GrayImage>();
  if (lineIds.length === 0) return out;
  const rows: LineGeometry[] = [];
  const query = project.db.prepare(`SELECT l.id, p.image_hash, l.polygon, l.box_x, l.box_y, l.box_w, l.box_h
    FROM lines l JOIN pages p ON p.id = l.page_id WHERE l.id = ?`);
  for (const id of lineIds) {
    const row = query.get(id) as LineGeometry | undefined;
    if (!row) throw new Error(`no line ${id} in this project`);
    rows.push(row);
  }
  const byPage = new Map<string, LineGeometry[]>();
  for (const r of rows) byPage.set(r.image_hash, [...(byPage.get(r.image_hash) ?? []), r]);
  for (const [hash, lines] of byPage) {
    const { data, info } = await grayPage(project, hash);
    for (const l of lines) {
      const x0 = Math.max(0, l.box_x);
      const y0 = Math.max(0, l.box_y);
      const w = Math.max(1, Math.min(info.width - x0, l.box_w));
      const h = Math.max(1, Math.min(info.height - y0, l.box_h));
      const poly = JSON.parse(l.polygon) as Point[];
      const crop = new Uint8Array(w * h);
      const inside = new Uint8Array(w * h);
      // A rectangle needs no mask test (the common case for imported line images).
      const rectangular = poly.length === 4 && new Set(poly.map((p) => p[0])).size <= 2 && new Set(poly.map((p) => p[1])).size <= 2;
      let paper = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = data[((y0 + y) * info.width + x0 + x) * info.channels];
          crop[y * w + x] = v;
          if (rectangular || contains(poly, x0 + x + 0.5, y0 + y + 0.5)) {
            inside[y * w + x] = 1;
            paper = Math.max(paper, v);
          }
        }
      }
      // Outside the polygon becomes the line's own paper tone (its brightest pixel).
      for (let i = 0; i < crop.length; i++) if (!inside[i]) crop[i] = paper;
      out.set(l.id, { width: w, height: h, data: crop });
    }
  }
  return out;
}

/** One line's crop as PNG, for the transcription panel. */
export async function lineImagePng(project: Project, lineId: number): Promise<Buffer> {
  const img = (await lineImages(project, [lineId])).get(lineId)!;
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } }).png().toBuffer();
}
