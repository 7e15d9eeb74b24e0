// Decodes scans with sharp into normalised page images: EXIF orientation applied, CMYK and
// 16-bit converted to 8-bit sRGB (or gray), every page of a multi-page TIFF separately.
// Each page yields its page image, a thumbnail and, unless the page image is a JPEG kept
// as it came, an 8-bit grayscale PNG for recognition.
//
// A JPEG scan that needs no conversion (one page, 8-bit sRGB or gray, upright) is stored as
// its own bytes: as lossless PNG a 1.6 MB JPEG of 14 megapixels became 17.5 MB, plus a
// 7.7 MB gray copy, fifteen times the archive's size on the archivist's disk. Its gray pixels
// are derived from it when needed (openGray), by the same operations an import would run.
// Anything else (TIFF, PNG, CMYK or 16-bit, EXIF-turned) becomes a lossless PNG as before.
import sharp from 'sharp';
import type { ImageStore } from '../store/image-store.ts';

export const IMAGE_EXTENSIONS = ['.tif', '.tiff', '.jpg', '.jpeg', '.png'] as const;
/** Refuse images over this many pixels (a 600 dpi A2 scan is about 100 MP). */
export const DEFAULT_PIXEL_LIMIT = 150_000_000;
const THUMB_SIZE = 320;

export interface DecodedPage {
  index: number;
  width: number;
  height: number;
  dpi: number | null;
  /** The page image: the file's own JPEG bytes where it needs no conversion, else a lossless PNG. */
  image: Buffer;
  /** The grayscale copy recognition reads; absent beside a kept JPEG (openGray derives it). */
  gray?: Buffer;
  thumb: Buffer;
}

const megapixels = (n: number) => `${(n / 1e6).toPrecision(3)} MP`;

export class ImageError extends Error {
  override name = 'ImageError';
}

export interface DecodeOptions {
  pixelLimit?: number;
  /** Refuse multi-page files with more pages than this (checked before any page is decoded). */
  maxPages?: number;
}

/** Pages of a multi-page TIFF beyond this are refused (a bound volume is a few hundred). */
export const DEFAULT_MAX_PAGES = 2000;

/** What the file holds, read from its header only. */
export interface ImageInfo {
  pages: number;
  /** EXIF orientation (1 to 8); 1 when there is none. */
  orientation: number;
  /** Size of the pixel grid as stored in the file, before the orientation is applied. */
  storedWidth: number;
  storedHeight: number;
}

export async function imageInfo(file: string, bytes: Buffer, o: DecodeOptions = {}): Promise<ImageInfo & { meta: sharp.Metadata }> {
  const pixelLimit = o.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  const maxPages = o.maxPages ?? DEFAULT_MAX_PAGES;
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError(`${file}: not a readable image (${(error as Error).message})`);
  }
  if (!meta.format || !['tiff', 'jpeg', 'png'].includes(meta.format)) {
    throw new ImageError(`${file}: unsupported image format ${meta.format ?? 'unknown'} (use TIFF, JPEG or PNG)`);
  }
  const pages = meta.pages ?? 1;
  if (pages > maxPages) throw new ImageError(`${file}: ${pages} pages, over the limit of ${maxPages} pages per file; split the file`);
  const w = meta.width;
  const h = meta.pageHeight ?? meta.height;
  if (!w || !h) throw new ImageError(`${file}: image has no size`);
  if (w * h > pixelLimit) {
    throw new ImageError(`${file}: page 1 has ${w}×${h} = ${megapixels(w * h)}, over the limit of ${megapixels(pixelLimit)}`);
  }
  return { pages, orientation: meta.orientation ?? 1, storedWidth: w, storedHeight: h, meta };
}

/**
 * Decodes the pages one at a time: a caller stores each page before the next is decoded,
 * so a file of thousands of pages never holds more than one in memory.
 */
export async function* decodePageStream(
  file: string,
  bytes: Buffer,
  o: DecodeOptions = {},
  known?: Awaited<ReturnType<typeof imageInfo>>,
): AsyncGenerator<DecodedPage, void, void> {
  const pixelLimit = o.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  // A caller that looked at the file already (page count, EXIF grid) passes what it found.
  const { meta, pages, orientation } = known ?? (await imageInfo(file, bytes, o));
  const keep = keepsOriginal(meta, pages, orientation);
  for (let index = 0; index < pages; index++) {
    try {
      const base = () => sharp(bytes, { page: index, limitInputPixels: pixelLimit, failOn: 'error' }).rotate();
      // The thumbnail decodes the whole file, so a damaged JPEG kept as it came still fails here.
      const thumb = await base()
        .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: 80 })
        .toBuffer();
      const dpi = meta.density && meta.density > 1 ? meta.density : null;
      if (keep) {
        yield { index, width: meta.width!, height: meta.height!, dpi, image: bytes, thumb };
        continue;
      }
      const page = await base()
        .toColourspace(meta.channels === 1 || meta.space === 'b-w' ? 'b-w' : 'srgb')
        .png()
        .toBuffer({ resolveWithObject: true });
      const gray = await toGray(base()).png().toBuffer();
      yield { index, width: page.info.width, height: page.info.height, dpi, image: page.data, gray, thumb };
    } catch (error) {
      // Pages after the first may be larger than the first (sharp checks each against the limit).
      throw new ImageError(`${file}: page ${index + 1} could not be decoded (${(error as Error).message})`);
    }
  }
}

/** Whether a file is stored as it came: a one-page, upright, 8-bit sRGB or gray JPEG. */
function keepsOriginal(meta: sharp.Metadata, pages: number, orientation: number): boolean {
  return (
    meta.format === 'jpeg' &&
    pages === 1 &&
    orientation === 1 &&
    meta.depth === 'uchar' &&
    (meta.space === 'srgb' || meta.space === 'b-w') &&
    (meta.channels === 1 || meta.channels === 3)
  );
}

/** The operations that make a page's gray pixels, the same at import and when derived later. */
const toGray = (image: sharp.Sharp) => image.grayscale().toColourspace('b-w');

/** A page's gray pixels: its gray copy, or derived from the page where none was kept (a JPEG kept as it came). */
export function openGray(images: ImageStore, hash: string): sharp.Sharp {
  if (images.has(hash, 'gray')) return sharp(images.path(hash, 'gray'), { limitInputPixels: false });
  return toGray(sharp(images.path(hash, 'page'), { limitInputPixels: false }).rotate());
}

/** All pages at once, for single-page images (line images, a PAGE/ALTO file's page). */
export async function decodePages(file: string, bytes: Buffer, o: DecodeOptions = {}): Promise<DecodedPage[]> {
  const pages: DecodedPage[] = [];
  for await (const page of decodePageStream(file, bytes, o)) pages.push(page);
  return pages;
}

/** Decodes any image into 8-bit grayscale pixels (for line crops and recognition). */
export async function decodeGray(file: string, bytes: Buffer): Promise<{ width: number; height: number; data: Uint8Array }> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' }).rotate().grayscale().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    throw new ImageError(`${file}: not a readable image (${(error as Error).message})`);
  }
}
