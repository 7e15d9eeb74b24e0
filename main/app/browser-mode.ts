// Serves one project to a browser on 127.0.0.1 (used when Electron is not available).
import { fileURLToPath } from 'node:url';
import { createService } from '../api/service.ts';
import { Project } from '../project/project.ts';
import { JobRunner } from '../jobs/runner.ts';
import type { QuireEvent } from '../../shared/api.ts';
import { lineImagePng } from '../project/line-images.ts';
import { startBrowserServer, type BrowserServer } from '../transport/http-server.ts';

export const RENDERER_DIST = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));

export async function serveProject(dir: string, port?: number): Promise<{ server: BrowserServer; project: Project; close(): Promise<void> }> {
  const project = Project.open(dir);
  let server: BrowserServer | undefined;
  const emit = (event: QuireEvent) => server?.broadcast(event);
  const runner = new JobRunner(project, emit);
  const api = createService(project, emit, runner);
  server = await startBrowserServer({ api, images: project.images, staticDir: RENDERER_DIST, port, lineImage: (id) => lineImagePng(project, id) });
  return {
    server,
    project,
    async close() {
      await runner.stop();
      await server!.close();
      project.close();
    },
  };
}
