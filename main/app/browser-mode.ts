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

export async function serveProject(
  dir: string,
  port?: number,
): Promise<{ server: BrowserServer; readonly project: Project; close(): Promise<void> }> {
  let server: BrowserServer | undefined;
  const host = new ProjectHost(dir, (event: QuireEvent) => server?.broadcast(event));
  server = await startBrowserServer({
    api: host.dispatcher(),
    images: () => host.project.images,
    staticDir: RENDERER_DIST,
    port,
    lineImage: (id, key) => lineImagePng(host.project, id, key),
    exportZip: (request) => prepareExportZip(host.project, request),
  });
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
