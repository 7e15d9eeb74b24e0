// Cuts line images out of page scans: the line's box from the page's grayscale copy, with
// everything outside its polygon painted as paper, so neighbouring lines do not leak in.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { GrayImage } from '../ml/line-image.ts';
import type { Point } from '../io/layout.ts';
import { cropLine } from '../images/line-crop.ts';
import { lineCropSource } from '../db/lines.ts';
import type { Project } from './project.ts';

type LineGeometry = NonNullable<ReturnType<typeof lineCropSource>>;

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
  else
    page = sharp(project.images.path(hash, 'gray'), { limitInputPixels: false })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
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
  for (const id of lineIds) {
    const row = lineCropSource(project.db, id);
    if (!row) throw new Error(`no line ${id} in this project`);
    rows.push(row);
  }
  const byPage = new Map<string, LineGeometry[]>();
  for (const r of rows) byPage.set(r.image_hash, [...(byPage.get(r.image_hash) ?? []), r]);
  for (const [hash, lines] of byPage) {
    const { data, info } = await grayPage(project, hash);
    for (const l of lines) {
      const poly = JSON.parse(l.polygon) as Point[];
      const crop = cropLine({ width: info.width, height: info.height, channels: info.channels, data }, poly) ?? {
        width: 1,
        height: 1,
        data: new Uint8Array([255]),
      };
      out.set(l.id, crop);
    }
  }
  return out;
}

/**
 * What a line's crop depends on: its page's pixels (the image hash) and its polygon (as
 * stored). The renderer puts it in the crop's URL, so a reshaped, merged or split line, or
 * line 1 of another project, is another URL and never an image the browser kept from before.
 */
export const cropKey = (imageHash: string, polygon: string): string =>
  createHash('sha256').update(`${imageHash}\n${polygon}`).digest('hex').slice(0, 16);

/** Thrown when a crop is asked for with a key the line no longer has (answered as 404). */
export class StaleCrop extends Error {
  override name = 'StaleCrop';
}

/**
 * One line's crop as PNG, for the transcription panel. With `key`, only the crop of that
 * shape: a URL made from an old shape (or another project's line with this id) must not
 * show the current pixels under the old name.
 */
export async function lineImagePng(project: Project, lineId: number, key?: string): Promise<Buffer> {
  if (key !== undefined) {
    const row = lineCropSource(project.db, lineId);
    if (!row || cropKey(row.image_hash, row.polygon) !== key) throw new StaleCrop(`line ${lineId} has no crop ${key}`);
  }
  const img = (await lineImages(project, [lineId])).get(lineId)!;
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } })
    .png()
    .toBuffer();
}
