// What browser mode's server answers once a request has passed its guards (http-server.ts):
// API calls through the dispatcher, export downloads, uploads, project images and the
// renderer's files.
import { describeIssues } from '../../shared/zod.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream, rmSync } from 'node:fs';
import { basename, sep } from 'node:path';
import type { ImportReport } from '../../shared/api.ts';
import type { Caller } from '../../shared/roles.ts';
import { exportDownloadSchema, type ExportDownload } from '../../shared/workbench-api.ts';
import { projectChanged, type Dispatcher } from '../api/dispatch.ts';
import type { ExportZip } from '../export/export-zip.ts';
import { importingUpload } from '../import/upload-source.ts';
import { actingAs } from '../project/author.ts';
import type { ImageStore } from '../store/image-store.ts';
import { failureAnswer } from './failures.ts';
import { findImage, IMMUTABLE_CACHE, type FoundImage } from './image-lookup.ts';
import { readJson, refuse, send, STATUS } from './http-io.ts';
import { findRendererFile } from './renderer-files.ts';
import { PayloadTooLarge, type UploadStaging } from './uploads.ts';

// Like the desktop app's (main/app/window-security.ts), plus the event socket; no 'unsafe-eval'.
const BROWSER_CSP = "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*";

export interface RouteOptions {
  api: Dispatcher;
  /** The open project's image store (it changes when another project is opened). */
  images: () => ImageStore;
  /** Folder with the built renderer (index.html). */
  staticDir: string;
  /** PNG of one line's crop (GET /line-image/<id>[?crop=<key>]). */
  lineImage?: (lineId: number, key?: string) => Promise<Buffer>;
  /** An export of the open project as a zip (POST /export). */
  exportZip?: (request: ExportDownload) => Promise<ExportZip>;
  /** The path of the project open now, where another window may open another (browser mode). */
  openProject?: () => string;
}

/** The project the calling page shows (x-quire-project, URI-encoded: a path need not be ASCII); null when malformed. */
function projectOf(req: IncomingMessage): string | undefined | null {
  const header = req.headers['x-quire-project'];
  try {
    return typeof header === 'string' && header ? decodeURIComponent(header) : undefined;
  } catch {
    return null;
  }
}

const BAD_PROJECT_HEADER = { code: 'invalid-request', name: 'RequestError', message: 'x-quire-project: not a URI-encoded path' } as const;

/** POST /api/<method>: the dispatcher's answer, or its error with the status of its code. */
export async function callApi(
  o: RouteOptions,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  caller: Caller | undefined,
): Promise<void> {
  const read = await readJson(req, res);
  if (!read) return;
  const project = projectOf(req);
  if (project === null) return send(res, 400, BAD_PROJECT_HEADER);
  const result = await o.api.call(method, read.body, caller, project);
  if (result.ok) send(res, 200, result.value);
  else send(res, STATUS[result.error.code], result.error);
}

/** POST /export; `reveal`: an unexpected failure's message may be sent (the desktop's owner, failures.ts). */
export async function exportDownload(o: RouteOptions, req: IncomingMessage, res: ServerResponse, reveal: boolean): Promise<void> {
  if (!o.exportZip) return refuse(req, res, 404, { code: 'not-found', name: 'NotFound', message: 'exports are not served here' });
  const project = projectOf(req);
  if (project === null) return refuse(req, res, 400, BAD_PROJECT_HEADER);
  // A page still showing a project another window closed would get the other one's export.
  const changed = projectChanged('export', project, o.openProject?.());
  if (changed) return refuse(req, res, STATUS[changed.code], changed);
  const read = await readJson(req, res);
  if (!read) return;
  const parsed = exportDownloadSchema.safeParse(read.body);
  if (!parsed.success) {
    const message = `export: ${describeIssues(parsed.error)}`;
    return send(res, 400, { code: 'invalid-request', name: 'RequestError', message });
  }
  let zip: ExportZip;
  try {
    zip = await o.exportZip(parsed.data);
  } catch (error) {
    return send(res, 500, failureAnswer('export', error, reveal));
  }
  res.writeHead(200, {
    'Content-Type': 'application/zip',
    'Content-Disposition': `attachment; filename="${zip.name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(zip.name)}`,
    'X-Quire-Files': String(zip.files),
  });
  // Once the headers are out an error can only cut the download short.
  await zip.write(res).catch(() => res.destroy());
}

// A PAGE or ALTO file needs its image beside it: files of one batch (?batch=ID) are
// staged together, then `?batch=ID&done=1` imports them as one folder. Without a batch,
// each upload is imported on its own, as the uploading account (`caller`; none on the desktop).
export async function upload(
  o: RouteOptions,
  staging: UploadStaging,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  caller: Caller | undefined,
): Promise<void> {
  const batch = url.searchParams.get('batch');
  if (batch !== null && !/^[a-z0-9]{8,40}$/.test(batch))
    return refuse(req, res, 400, { code: 'invalid-request', name: 'RequestError', message: 'batch: 8 to 40 lowercase letters or digits' });
  if (batch !== null && url.searchParams.get('done') === '1') {
    const dir = staging.take(batch);
    if (!dir)
      return send(res, 404, {
        code: 'not-found',
        name: 'NotFound',
        message: `no upload batch ${batch} (never staged, already imported, or expired)`,
      });
    return importStaged(o, req, res, dir, [dir], caller);
  }
  const name = basename(url.searchParams.get('name') ?? 'upload');
  let staged: { dir: string; file: string };
  try {
    staged = await staging.receive(req, name, batch);
  } catch (error) {
    const tooLarge = error instanceof PayloadTooLarge;
    return send(res, tooLarge ? 413 : 400, {
      code: 'invalid-request',
      name: tooLarge ? 'PayloadTooLarge' : 'RequestError',
      message: `${name}: ${(error as Error).message}`,
    });
  }
  if (batch !== null) return send(res, 200, { staged: name });
  return importStaged(o, req, res, staged.dir, [staged.file], caller);
}

async function importStaged(
  o: RouteOptions,
  req: IncomingMessage,
  res: ServerResponse,
  dir: string,
  paths: string[],
  caller: Caller | undefined,
): Promise<void> {
  try {
    // Refused (project-changed) when the page shows a project another window closed since.
    // importFiles names paths on the server, so the dispatcher refuses it to every account: it
    // is called as the owner (the route has checked the upload role) on the files just staged,
    // with the account acting, so that the import records it as the author, as any edit does.
    // The documents record the names the user chose, not the staging folder (upload-source.ts).
    const importFiles = () => importingUpload(dir, () => o.api.call('importFiles', { paths }, undefined, projectOf(req) ?? undefined));
    const result = await (caller ? actingAs(caller, importFiles) : importFiles());
    if (!result.ok) return send(res, STATUS[result.error.code], result.error);
    const report = result.value as ImportReport;
    // Report the names the user chose, not our temporary paths.
    const rename = (f: string) => (f.startsWith(dir + sep) ? f.slice(dir.length + 1) : f);
    const unstage = (text: string) => text.split(dir + sep).join('');
    send(res, 200, {
      imported: report.imported.map((d) => ({ ...d, file: rename(d.file) })),
      duplicates: report.duplicates.map((d) => ({ file: rename(d.file), reason: unstage(d.reason) })),
      failed: report.failed.map((f) => ({ ...f, file: rename(f.file), reason: unstage(f.reason) })),
      warnings: report.warnings.map((w) => ({ ...w, file: rename(w.file), message: unstage(w.message) })),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GET /images/<hash>/<variant> and /line-image/<id>[?crop=<key>]. */
export async function serveImage(o: RouteOptions, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  const [, route, first = '', variant = ''] = path.split('/');
  const found =
    route === 'images'
      ? await findImage({ kind: 'page', hash: first, variant }, o)
      : await findImage({ kind: 'line', id: first, crop: url.searchParams.get('crop') }, o);
  sendImage(res, path, found);
}

function sendImage(res: ServerResponse, path: string, found: FoundImage | null): void {
  if (!found) return send(res, 404, { code: 'not-found', name: 'NotFound', message: path });
  if ('body' in found) {
    res.writeHead(200, { 'Content-Type': found.contentType });
    res.end(found.body);
    return;
  }
  sendFile(res, found.file, { 'Content-Type': found.contentType, 'Cache-Control': IMMUTABLE_CACHE });
}

/**
 * Streams a file found on disk. It may fail to open or read although it was just found (removed
 * meanwhile, a directory, an I/O error): a read stream's 'error' with no listener would end the
 * whole server, so it is answered (500 before the headers, a cut connection after), without
 * naming the path. A client that leaves early closes the file.
 */
function sendFile(res: ServerResponse, file: string, headers: Record<string, string>): void {
  const stream = createReadStream(file);
  stream.once('error', () => {
    if (res.headersSent) res.destroy();
    else send(res, 500, { code: 'failed', name: 'ReadError', message: 'the file could not be read' });
  });
  stream.once('open', () => {
    res.writeHead(200, headers);
    stream.pipe(res);
  });
  res.once('close', () => stream.destroy());
}

export function serveStatic(o: RouteOptions, res: ServerResponse, pathname: string): void {
  const found = findRendererFile(o.staticDir, pathname);
  if ('error' in found) {
    return found.error === 'outside'
      ? send(res, 403, { name: 'Forbidden', message: 'outside the app folder' })
      : send(res, 500, { name: 'NotBuilt', message: 'the renderer is not built: run `npm run build`' });
  }
  sendFile(res, found.file, { 'Content-Type': found.contentType, 'Content-Security-Policy': BROWSER_CSP });
}
