// Which project image a request may read, for both transports: browser mode's HTTP routes
// (/images/<hash>/<variant>, /line-image/<id>) and the desktop app's quire-image:
// protocol (quire-image://<hash>/<variant>, quire-image://line/<id>). The URL comes from
// the renderer, so it is checked here once: a known variant, a well-formed hash of a page
// that is in the open project, a positive line id. Nothing else on disk can be named.
// A line crop's URL may carry ?crop=<key> (line-images.ts cropKey): then only the crop of
// that shape is served, never the line's current one under an old name.
import { existsSync } from 'node:fs';
import { VARIANTS, type ImageStore, type Variant } from '../store/image-store.ts';
import { ensurePreview, isPreview } from '../images/preview.ts';

export interface ImageSource {
  /** The open project's image store (it changes when another project is opened). */
  images: () => ImageStore;
  /** PNG of one line's crop; throws for a line that does not exist or (with a key) no longer has that shape. */
  lineImage?: (lineId: number, key?: string) => Promise<Buffer>;
}

export type ImageTarget = { kind: 'page'; hash: string; variant: string } | { kind: 'line'; id: string; crop?: string | null };

export type FoundImage =
  { contentType: string; file: string; immutable: true } | { contentType: 'image/png'; body: Buffer; immutable: false };

/** The image a target names, or null when it names none (answered as 404). */
export async function findImage(target: ImageTarget, source: ImageSource): Promise<FoundImage | null> {
  if (target.kind === 'line') {
    const id = Number(target.id);
    if (!source.lineImage || !/^[1-9][0-9]{0,15}$/.test(target.id) || !Number.isSafeInteger(id)) return null;
    const key = target.crop ?? undefined;
    if (key !== undefined && !/^[0-9a-f]{16}$/.test(key)) return null;
    try {
      return { contentType: 'image/png', body: await source.lineImage(id, key), immutable: false };
    } catch {
      return null;
    }
  }
  const { hash, variant } = target;
  if (!VARIANTS.includes(variant as Variant) || !/^[0-9a-f]{64}$/.test(hash)) return null;
  const images = source.images();
  if (!images.has(hash, 'page')) return null;
  const file = isPreview(variant) ? await ensurePreview(images, hash, variant) : images.path(hash, variant as Variant);
  if (!existsSync(file)) return null;
  // Content-addressed: a name always means the same pixels, so they may be cached for good.
  return { contentType: file.endsWith('.jpg') ? 'image/jpeg' : 'image/png', file, immutable: true };
}

export const IMMUTABLE_CACHE = 'private, max-age=31536000, immutable';
