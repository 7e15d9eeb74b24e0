// Content-addressed image files under <project>/images: a file's name is the sha256 of
// its bytes, so importing the same page twice stores it once and a name always means the
// same pixels. Layout: images/ab/abcdef….png (page), ….gray.png, ….thumb.jpg, and the
// screen-sized copies ….preview-small.jpg, ….preview.jpg, ….preview-large.jpg (made when
// first shown, main/images/preview.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';
import type { PreviewVariant } from '../../shared/image-levels.ts';

export type Variant = 'page' | 'gray' | 'thumb' | PreviewVariant;
const SUFFIX: Record<Variant, string> = {
  page: '.png',
  gray: '.gray.png',
  thumb: '.thumb.jpg',
  'preview-small': '.preview-small.jpg',
  preview: '.preview.jpg',
  'preview-large': '.preview-large.jpg',
};
export const VARIANTS = Object.keys(SUFFIX) as Variant[];

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

export class ImageStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  path(hash: string, variant: Variant): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not an image hash: ${hash}`);
    return join(this.root, hash.slice(0, 2), hash + SUFFIX[variant]);
  }

  has(hash: string, variant: Variant = 'page'): boolean {
    return existsSync(this.path(hash, variant));
  }

  /** Stores a page image and its derivatives; returns the page's hash. */
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
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true });
    // The page file goes last: its presence means the derivatives are complete.
    const files: Array<[Variant, Uint8Array]> = [...(Object.entries(derivatives) as Array<[Variant, Uint8Array]>), ['page', page]];
    try {
      for (const [variant, bytes] of files) {
        const target = this.path(hash, variant);
        if (!existsSync(target)) writeFileAtomic(target, bytes);
      }
    } catch (error) {
      if (created) this.remove(hash);
      throw error;
    }
    return { hash, created };
  }

  /** Removes a page image and all its derivatives. */
  remove(hash: string): void {
    for (const variant of VARIANTS) rmSync(this.path(hash, variant), { force: true });
  }

  read(hash: string, variant: Variant): Buffer {
    return readFileSync(this.path(hash, variant));
  }
}
