// Cuts line images out of page scans. The recognizer's input (lineImages) is cut along the
// line's baseline where it has one, straight and level (images/line-straighten.ts); the
// transcription panel's crop (lineImagePng) is the line's box as it sits on the page. Both
// paint everything outside the polygon as paper, so neighbouring lines do not leak in.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { GrayImage } from '../ml/line-image.ts';
import type { Point } from '../io/layout.ts';
import { cutLine } from '../images/line-straighten.ts';
import { openGray } from '../images/decode.ts';
import { lineCropSource, lines } from '../db/lines.ts';
import { step, type Program } from '../db/ops.ts';
import { folderStore, type PageSource, type ProjectStore } from './project-store.ts';
import type { Project } from './project.ts';

/** What a line's crop is cut from (lines.ts lineCropSource): its page image, polygon and baseline. */
export type LineGeometry = NonNullable<ReturnType<typeof lineCropSource>>;

// Moving from line to line in the transcription panel asks for crops of the same page one
// after another: keep the last few decoded pages (one byte per pixel) instead of decoding a
// 48-megapixel scan for every line.
const CACHED_PAGES = 2;
const decoded = new Map<string, Promise<{ data: Buffer; info: sharp.OutputInfo }>>();

/** A page's grayscale copy as one byte per pixel (recently used pages come from memory). */
export function grayPage(project: PageSource, hash: string): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  const key = `${project.root}:${hash}`;
  let page = decoded.get(key);
  if (page) decoded.delete(key);
  else page = openGray(project.images, hash).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  decoded.set(key, page);
  page.catch(() => decoded.delete(key));
  while (decoded.size > CACHED_PAGES) decoded.delete(decoded.keys().next().value!);
  return page;
}

/** Gray line images by line id, decoding each page once. */
export const lineImages = (project: Project, lineIds: number[]): Promise<Map<number, GrayImage>> =>
  lineImagesAt(folderStore(project), lineIds);

/** lineImages of a project on either store: its rows by `run`, its pages from `root`'s images. */
export async function lineImagesAt(
  store: ProjectStore,
  lineIds: number[],
  o: { skipMissing?: boolean } = {},
): Promise<Map<number, GrayImage>> {
  const out = new Map<number, GrayImage>();
  if (lineIds.length === 0) return out;
  const rows = await store.run(cropSources(lineIds, o.skipMissing ?? false));
  const byPage = new Map<string, LineGeometry[]>();
  for (const r of rows) byPage.set(r.image_hash, [...(byPage.get(r.image_hash) ?? []), r]);
  for (const [hash, lines] of byPage) {
    const page = await grayPage(store, hash);
    for (const l of lines) out.set(l.id, cut(page, l, 'along-baseline'));
  }
  return out;
}

/** The lines' geometry and page; a missing line is an error, or left out with `skipMissing` (the map then lacks it). */
function* cropSources(lineIds: number[], skipMissing: boolean): Program<LineGeometry[]> {
  const rows: LineGeometry[] = [];
  for (const id of lineIds) {
    const row = yield* step(lines.lineCropSource(id));
    if (!row && skipMissing) continue;
    if (!row) throw new Error(`no line ${id} in this project`);
    rows.push(row);
  }
  return rows;
}

/**
 * The line's crop from its decoded page (one white pixel for a line with no area):
 * straightened along its baseline for the recognizer, or its box as on the page.
 */
function cut({ data, info }: { data: Buffer; info: sharp.OutputInfo }, line: LineGeometry, how: 'along-baseline' | 'box'): GrayImage {
  const poly = JSON.parse(line.polygon) as Point[];
  const pixels = { width: info.width, height: info.height, channels: info.channels, data };
  const baseline = how === 'along-baseline' && line.baseline ? (JSON.parse(line.baseline) as Point[]) : null;
  return (
    cutLine(pixels, poly, baseline) ?? {
      width: 1,
      height: 1,
      data: new Uint8Array([255]),
    }
  );
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
export const lineImagePng = (project: Project, lineId: number, key?: string): Promise<Buffer> =>
  cropPng(project, lineCropSource(project.db, lineId), lineId, key);

/** lineImagePng from the line's row (`row`: lines.ts lineCropSource, read from either store). */
export async function cropPng(pages: PageSource, row: LineGeometry | undefined, lineId: number, key?: string): Promise<Buffer> {
  if (!row) throw new Error(`no line ${lineId} in this project`);
  if (key !== undefined && cropKey(row.image_hash, row.polygon) !== key) throw new StaleCrop(`line ${lineId} has no crop ${key}`);
  const img = cut(await grayPage(pages, row.image_hash), row, 'box');
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } })
    .png()
    .toBuffer();
}
