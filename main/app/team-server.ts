// `quire serve`: one project for a team, over HTTP, with accounts instead of the desktop's
// per-launch token (main/transport/session-gate.ts). The same project host, API and
// renderer as browser mode; each call runs as its signed-in account, held to its role
// (shared/roles.ts) and recorded as the author of its edits.
import { hasAdmin } from '../accounts/accounts.ts';
import { Sessions, DEFAULT_SESSION_HOURS } from '../accounts/sessions.ts';
import { prepareExportZip } from '../export/export-zip.ts';
import { lineImagePng } from '../project/line-images.ts';
import { Project } from '../project/project.ts';
import { SessionGate } from '../transport/session-gate.ts';
import { startBrowserServer, type BrowserServer } from '../transport/http-server.ts';
import type { QuireEvent } from '../../shared/api.ts';
import { desktopRunner } from '../db/execute.ts';
import { ProjectHost } from './project-host.ts';
import { RENDERER_DIST } from './browser-mode.ts';

export interface TeamServerOptions {
  host?: string;
  port?: number;
  publicHosts?: string[];
  secureCookies?: boolean;
  sessionHours?: number;
  /** Failed log-ins allowed per user name before it waits (tests lower it). */
  maxFailuresPerUser?: number;
}

export class NoAdminError extends Error {
  override name = 'NoAdminError';
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '[::]']);

export async function serveTeam(dir: string, o: TeamServerOptions = {}): Promise<{ server: BrowserServer; close(): Promise<void> }> {
  // Requests are checked against the names the server is reached by (DNS rebinding): on
  // every interface there is no one name to take from the address.
  if (EVERY_INTERFACE.has(o.host ?? '') && !o.publicHosts?.length)
    throw new Error(`listening on every interface (${o.host}): name the address browsers use with --public-host NAME[:PORT]`);
  // Checked before anything starts: a server no one can administer is no use.
  const check = Project.open(dir);
  try {
    if (!(await hasAdmin(desktopRunner(() => check.db))))
      throw new NoAdminError(
        `${check.root} has no admin account: create one with \`quire user add ${check.root} NAME --role admin\` (it asks for the password)`,
      );
  } finally {
    check.close();
  }
  let server: BrowserServer | undefined;
  const host = new ProjectHost(dir, (event: QuireEvent) => server?.broadcast(event));
  const hours = o.sessionHours ?? DEFAULT_SESSION_HOURS;
  const run = desktopRunner(() => host.project.db);
  const gate = new SessionGate({
    run,
    sessions: new Sessions(run, hours * 3_600_000),
    host: o.host ?? '127.0.0.1',
    publicHosts: o.publicHosts,
    secureCookies: o.secureCookies,
    maxFailuresPerUser: o.maxFailuresPerUser,
    sessionSeconds: Math.round(hours * 3600),
  });
  try {
    server = await startBrowserServer({
      api: host.dispatcher(),
      images: () => host.project.images,
      staticDir: RENDERER_DIST,
      host: o.host ?? '127.0.0.1',
      port: o.port,
      gate,
      lineImage: (id, key) => lineImagePng(host.project, id, key),
      exportZip: (request) => prepareExportZip(host.project, request),
    });
  } catch (error) {
    await host.close();
    throw error;
  }
  return {
    server,
    async close() {
      await host.close();
      await server!.close();
    },
  };
}
