// Content-addressed image files under <project>/images: a file's name is the sha256 of
// its bytes, so importing the same page twice stores it once and a name always means the
// same pixels. Layout: images/ab/abcdef….png or ….jpg (the page: a JPEG scan that needs no
// conversion is kept as it came, anything else as lossless PNG), ….gray.png (the grayscale
// copy recognition reads; none beside a kept JPEG, whose gray pixels are derived from it
// when needed: main/images/decode.ts openGray), ….thumb.jpg, and the screen-sized copies
// ….preview-small.jpg, ….preview.jpg, ….preview-large.jpg (made when first shown,
// main/images/preview.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../fs/atomic.ts';
import type { PreviewVariant } from '../../shared/image-levels.ts';

export type Variant = 'page' | 'gray' | 'thumb' | PreviewVariant;
const SUFFIX: Record<Exclude<Variant, 'page'>, string> = {
  gray: '.gray.png',
  thumb: '.thumb.jpg',
  'preview-small': '.preview-small.jpg',
  preview: '.preview.jpg',
  'preview-large': '.preview-large.jpg',
};
export const VARIANTS: Variant[] = ['page', ...(Object.keys(SUFFIX) as Array<Exclude<Variant, 'page'>>)];
/** What a page file may be: a JPEG kept as imported, or a PNG. */
const PAGE_SUFFIXES = ['.jpg', '.png'] as const;

/** JPEG files start with an SOI marker and another marker (FF D8 FF). */
const isJpeg = (bytes: Uint8Array) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

export class ImageStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  /** The variant's file; for the page, the JPEG where one is stored, else the PNG. */
  path(hash: string, variant: Variant): string {
    if (variant !== 'page') return this.file(hash, SUFFIX[variant]);
    const jpeg = this.file(hash, '.jpg');
    return existsSync(jpeg) ? jpeg : this.file(hash, '.png');
  }

  /** The page file's extension ('.jpg' or '.png'): what an export names its copy. */
  pageExtension(hash: string): string {
    return this.path(hash, 'page').slice(-4);
  }

  private file(hash: string, suffix: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not an image hash: ${hash}`);
    return join(this.root, hash.slice(0, 2), hash + suffix);
  }

  has(hash: string, variant: Variant = 'page'): boolean {
    return existsSync(this.path(hash, variant));
  }

  /** Stores a page image (JPEG or PNG bytes) and its derivatives; returns the page's hash. */
  put(page: Uint8Array, derivatives: Partial<Record<Exclude<Variant, 'page'>, Uint8Array>>): string {
    return this.add(page, derivatives).hash;
  }

  /**
   * Like put, and says whether the page was new: an import that fails afterwards removes
   * what it added (and only that; the same pixels may belong to another document).
   */
  add(page: Uint8Array, derivatives: Partial<Record<Exclude<Variant, 'page'>, Uint8Array>>): { hash: string; created: boolean } {
    const hash = sha256(page);
    const created = !this.has(hash, 'page');
    // A fan-out folder made now is synced into the store's folder, as each file is into it
    // (writeFileAtomic): the page row committed afterwards must not outlive its file.
    if (mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true }) !== undefined) fsyncDir(this.root);
    // The page file goes last: its presence means the derivatives are complete.
    const files: Array<[string, Uint8Array]> = [
      ...(Object.entries(derivatives) as Array<[Exclude<Variant, 'page'>, Uint8Array | undefined]>)
        .filter((e): e is [Exclude<Variant, 'page'>, Uint8Array] => e[1] !== undefined)
        .map(([v, bytes]): [string, Uint8Array] => [this.file(hash, SUFFIX[v]), bytes]),
      [this.file(hash, isJpeg(page) ? '.jpg' : '.png'), page],
    ];
    try {
      for (const [target, bytes] of files) if (!existsSync(target)) writeFileAtomic(target, bytes);
    } catch (error) {
      if (created) this.remove(hash);
      throw error;
    }
    return { hash, created };
  }

  /** Removes a page image and all its derivatives. */
  remove(hash: string): void {
    for (const suffix of [...PAGE_SUFFIXES, ...Object.values(SUFFIX)]) rmSync(this.file(hash, suffix), { force: true });
  }

  read(hash: string, variant: Variant): Buffer {
    return readFileSync(this.path(hash, variant));
  }
}
