// Screen-sized copies of page scans (shared/image-levels.ts: 1200, 2400 and 4800 pixels on
// the long side, JPEG). A 6000×8000 scan is a 48-megapixel PNG: the page view shows the
// smallest copy that is sharp at its zoom and device pixel ratio, and the full image only
// beyond the largest. Each copy is made on first request and kept in the store; requests
// for a copy being made wait for that one instead of making it again.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { PREVIEW_LEVELS, type PreviewVariant } from '../../shared/image-levels.ts';
import type { ImageStore } from '../store/image-store.ts';
import { writeFileAtomic } from '../fs/atomic.ts';

const making = new Map<string, Promise<string>>();

export const isPreview = (variant: string): variant is PreviewVariant => PREVIEW_LEVELS.some((l) => l.variant === variant);

export async function ensurePreview(store: ImageStore, hash: string, variant: PreviewVariant = 'preview'): Promise<string> {
  const file = store.path(hash, variant);
  if (existsSync(file)) return file;
  let made = making.get(file);
  if (!made) {
    made = makePreview(store, hash, variant, file).finally(() => making.delete(file));
    making.set(file, made);
  }
  return made;
}

async function makePreview(store: ImageStore, hash: string, variant: PreviewVariant, file: string): Promise<string> {
  const size = PREVIEW_LEVELS.find((l) => l.variant === variant)!.size;
  const bytes = await sharp(store.path(hash, 'page'), { limitInputPixels: false })
    .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer();
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, bytes);
  return file;
}
