// Screen-sized copies of page scans. A 6000×8000 scan is a 48-megapixel PNG: the page view
// opens on this copy (at most PREVIEW_SIZE on the long side, JPEG) and fetches the full
// image only when zoomed in past it. Made on first request and kept in the store.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { ImageStore } from '../store/image-store.ts';
import { writeFileAtomic } from '../store/atomic.ts';

export const PREVIEW_SIZE = 2400;

export async function ensurePreview(store: ImageStore, hash: string): Promise<string> {
  const file = store.path(hash, 'preview');
  if (existsSync(file)) return file;
  const bytes = await sharp(store.path(hash, 'page'), { limitInputPixels: false })
    .resize({ width: PREVIEW_SIZE, height: PREVIEW_SIZE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 }).toBuffer();
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, bytes);
  return file;
}
