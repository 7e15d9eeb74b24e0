// Serves Quire to a browser on 127.0.0.1 (used when Electron is not available), starting
// on one project; the UI can open or create others.
import { fileURLToPath } from 'node:url';
import type { Project } from '../project/project.ts';
import { ProjectHost } from './project-host.ts';
import type { QuireEvent } from '../../shared/api.ts';
import { lineImagePng } from '../project/line-images.ts';
import { prepareExportZip } from '../export/export-zip.ts';
import { startBrowserServer, type BrowserServer } from '../transport/http-server.ts';

export const RENDERER_DIST = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));

/**
 * `npm start`'s port in browser mode, the same on every launch: what the page keeps in the
 * browser (drafts of text typed and not yet saved, recent projects, view settings) belongs
 * to its origin, port included, so a port drawn anew at each launch would strand it.
 */
export const BROWSER_MODE_PORT = 41780;

type ServedProject = { server: BrowserServer; readonly project: Project; close(): Promise<void> };

export async function serveProject(dir: string, port?: number): Promise<ServedProject> {
  let server: BrowserServer | undefined;
  const host = new ProjectHost(dir, (event: QuireEvent) => server?.broadcast(event));
  try {
    server = await startBrowserServer({
      api: host.dispatcher(),
      images: () => host.project.images,
      staticDir: RENDERER_DIST,
      port,
      lineImage: (id, key) => lineImagePng(host.project, id, key),
      exportZip: (request) => prepareExportZip(host.project, request),
      openProject: () => host.project.root,
    });
  } catch (error) {
    // The port was taken (or refused): the project is not left open behind the failure.
    await host.close();
    throw error;
  }
  return {
    server,
    get project() {
      return host.project;
    },
    async close() {
      await host.close();
      await server!.close();
    },
  };
}

/**
 * Serves on `preferred` (BROWSER_MODE_PORT), or on a free port when another program holds
 * it; `warn` says what that costs (the drafts of earlier launches stay with the other address).
 */
export async function serveOnLaunchPort(dir: string, preferred: number, warn: (message: string) => void): Promise<ServedProject> {
  try {
    return await serveProject(dir, preferred);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    warn(
      `Port ${preferred} is taken (another Quire, or another program): serving on another port. ` +
        `Text typed and not saved in an earlier launch is kept by the browser under http://127.0.0.1:${preferred}.`,
    );
    return serveProject(dir);
  }
}
