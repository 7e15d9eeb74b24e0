// The built renderer's files (renderer/dist), served by browser mode's HTTP server and by
// the desktop app's quire-app: protocol. A request path can name only a file inside that
// folder; any other path (the app's own routes) gets index.html.
import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export type RendererFile = { file: string; contentType: string } | { error: 'outside' | 'not-built' };

export function findRendererFile(dist: string, pathname: string): RendererFile {
  const root = resolve(dist);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { error: 'outside' };
  }
  let file = normalize(join(root, decoded));
  // With the separator: a sibling folder named like the root plus a suffix is outside too.
  if (file !== root && !file.startsWith(root + sep)) return { error: 'outside' };
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  if (!existsSync(file)) return { error: 'not-built' };
  return { file, contentType: MIME[extname(file)] ?? 'application/octet-stream' };
}
