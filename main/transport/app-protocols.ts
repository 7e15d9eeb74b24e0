// The desktop app's two URL schemes, as fetch-style handlers (Request → Response) that
// Electron's protocol.handle serves and the desktop tests route Chromium's requests to:
//   quire-app://app/…   the built renderer, with the window's Content-Security-Policy as
//                       a response header (Electron's advice over file://, where headers
//                       cannot be set and every file on disk would be same-origin);
//   quire-image://…     project images, checked exactly like browser mode's HTTP image
//                       routes (image-lookup.ts).
import { readFile } from 'node:fs/promises';
import { findImage, IMMUTABLE_CACHE, type ImageSource } from './image-lookup.ts';
import { findRendererFile } from './renderer-files.ts';

export const APP_SCHEME = 'quire-app';
export const IMAGE_SCHEME = 'quire-image';
export const APP_URL = `${APP_SCHEME}://app/index.html`;

export type FetchHandler = (request: Request) => Promise<Response>;

const notFound = (message: string) => new Response(message, { status: 404, headers: { 'Content-Type': 'text/plain' } });

export function rendererHandler(dist: string, csp: string): FetchHandler {
  return async (request) => {
    if (request.method !== 'GET') return new Response('', { status: 405 });
    const found = findRendererFile(dist, new URL(request.url).pathname);
    if ('error' in found)
      return found.error === 'outside'
        ? new Response('outside the app folder', { status: 403 })
        : new Response('the renderer is not built: run `npm run build`', { status: 500 });
    return new Response(await readFile(found.file), {
      headers: { 'Content-Type': found.contentType, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
    });
  };
}

/** quire-image://<hash>/<variant> and quire-image://line/<id>[?crop=<key>]. */
export function imageHandler(source: ImageSource): FetchHandler {
  return async (request) => {
    const url = new URL(request.url);
    const rest = url.pathname.slice(1);
    const target =
      url.hostname === 'line'
        ? { kind: 'line' as const, id: rest, crop: url.searchParams.get('crop') }
        : { kind: 'page' as const, hash: url.hostname, variant: rest };
    const found = request.method === 'GET' ? await findImage(target, source) : null;
    if (!found) return notFound(`no image ${url.href}`);
    if ('body' in found) return new Response(new Uint8Array(found.body), { headers: { 'Content-Type': found.contentType } });
    return new Response(await readFile(found.file), { headers: { 'Content-Type': found.contentType, 'Cache-Control': IMMUTABLE_CACHE } });
  };
}
