// `quire serve`: one project for a team, over HTTP, with accounts instead of the desktop's
// per-launch token (main/transport/session-gate.ts). The same project host, API and
// renderer as browser mode; each call runs as its signed-in account, held to its role
// (shared/roles.ts) and recorded as the author of its edits; an unexpected failure is logged
// here and answered with a generic message (main/transport/failures.ts). The project is a
// folder (its SQLite), or a PostgreSQL server store with a shared folder for its files
// (`--database URL --files DIR`, with `--redis URL` for its transcription jobs), where the gate
// is the same and the API is the part that runs on the server store so far
// (server-store-api.ts).
import { hasAdmin } from '../accounts/accounts.ts';
import { Sessions, DEFAULT_SESSION_HOURS } from '../accounts/sessions.ts';
import { prepareExportZip, prepareExportZipFrom } from '../export/export-zip.ts';
import { cropPng, lineImagePng } from '../project/line-images.ts';
import { lines } from '../db/lines.ts';
import { Project } from '../project/project.ts';
import { SessionGate } from '../transport/session-gate.ts';
import { startBrowserServer, type BrowserServer } from '../transport/http-server.ts';
import { hidingFailures } from '../transport/failures.ts';
import type { QuireEvent } from '../../shared/api.ts';
import { desktopRunner } from '../db/execute.ts';
import type { Runner } from '../db/ops.ts';
import { serverRunner } from '../db/pg/execute.ts';
import { displayUrl, openServerStore } from '../db/pg/store.ts';
import { filesStore } from '../project/project-store.ts';
import type { QueueSettings } from '../queue/distributed-run.ts';
import { refuseEarly } from '../queue/redis-connection.ts';
import { createDispatcher } from '../api/dispatch.ts';
import type { QuireApi } from '../../shared/api.ts';
import { accountEvents, projectName, serverEvents, serverStoreApi } from './server-store-api.ts';
import { UndoHistories } from '../edits/undo-stack.ts';
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
  /** How often an open event socket's session is checked again (tests lower it; default 10 s). */
  socketRecheckMs?: number;
}

/** A project on a PostgreSQL server store: its URL, the shared folder of its files (images/…), and the queue of its jobs. */
export interface ServerStoreProject {
  database: string;
  files: string;
  /** Transcription jobs go to `quire worker` processes through this Redis queue (--redis); without it they answer 501. */
  queue?: QueueSettings;
}

export interface TeamServer {
  server: BrowserServer;
  close(): Promise<void>;
}

export class NoAdminError extends Error {
  override name = 'NoAdminError';
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '[::]']);

const noAdmin = (where: string, how: string) => new NoAdminError(`${where} has no admin account: ${how}`);

export async function serveTeam(project: string | ServerStoreProject, o: TeamServerOptions = {}): Promise<TeamServer> {
  // Requests are checked against the names the server is reached by (DNS rebinding): on
  // every interface there is no one name to take from the address.
  if (EVERY_INTERFACE.has(o.host ?? '') && !o.publicHosts?.length)
    throw new Error(`listening on every interface (${o.host}): name the address browsers use with --public-host NAME[:PORT]`);
  return typeof project === 'string' ? serveFolder(project, o) : serveServerStore(project, o);
}

async function serveFolder(dir: string, o: TeamServerOptions): Promise<TeamServer> {
  // Checked before anything starts: a server no one can administer is no use.
  const check = Project.open(dir);
  try {
    if (!(await hasAdmin(desktopRunner(() => check.db))))
      throw noAdmin(check.root, `create one with \`quire user add ${check.root} NAME --role admin\` (it asks for the password)`);
  } finally {
    check.close();
  }
  let server: BrowserServer | undefined;
  // Each account undoes its own edits: its undo history's events go to its windows alone.
  const events = serverEvents(() => server);
  const host = new ProjectHost(dir, accountEvents(events), UndoHistories.perAccount);
  return serving(
    async () =>
      (server = await startTeamServer(
        o,
        desktopRunner(() => host.project.db),
        {
          // Host.dispatcher()'s, its methods hiding unexpected failures from the accounts.
          api: createDispatcher(hidingFailures(host.api()), { openProject: () => host.project.root }),
          images: () => host.project.images,
          lineImage: (id, key) => lineImagePng(host.project, id, key),
          exportZip: (request) => prepareExportZip(host.project, request),
        },
      )),
    () => host.close(),
  );
}

async function serveServerStore(p: ServerStoreProject, o: TeamServerOptions): Promise<TeamServer> {
  // A refused Redis password or certificate ends the start, rather than every job later.
  if (p.queue) await refuseEarly(p.queue.redisUrl, p.queue.redisCa);
  const store = await openServerStore(p.database, { existing: true });
  let server: BrowserServer | undefined;
  let api: ReturnType<typeof serverStoreApi> | undefined;
  return serving(
    async () => {
      const run = serverRunner(store);
      if (!(await hasAdmin(run)))
        throw noAdmin(
          displayUrl(p.database),
          `create one with \`quire user add ${displayUrl(p.database)} NAME --role admin\` (it asks for the password)`,
        );
      const pages = filesStore(run, p.files);
      api = serverStoreApi({ store, url: p.database, files: p.files, events: serverEvents(() => server), queue: p.queue });
      return (server = await startTeamServer(o, run, {
        api: createDispatcher(hidingFailures(api.table) as unknown as QuireApi),
        images: () => pages.images,
        lineImage: async (id, key) => cropPng(pages, await run(lines.lineCropSource(id)), id, key),
        // Exported as on the desktop, from the store's rows and its shared folder's images.
        exportZip: (request) => prepareExportZipFrom(pages, projectName(p.database), request),
      }));
    },
    async () => {
      // Runs going are cancelled (resumable) before the store they write to closes.
      await api?.stop();
      await store.end();
    },
  );
}

/** Starts the server; the project (`release`) is let go if it fails to start, or when it closes. */
async function serving(start: () => Promise<BrowserServer>, release: () => Promise<void>): Promise<TeamServer> {
  let server: BrowserServer;
  try {
    server = await start();
  } catch (error) {
    await release();
    throw error;
  }
  return {
    server,
    async close() {
      await release();
      await server.close();
    },
  };
}

/** The browser server behind the session gate, its sessions in the project's store (`run`). */
function startTeamServer(
  o: TeamServerOptions,
  run: Runner,
  app: Pick<Parameters<typeof startBrowserServer>[0], 'api' | 'images' | 'lineImage' | 'exportZip'>,
): Promise<BrowserServer> {
  const hours = o.sessionHours ?? DEFAULT_SESSION_HOURS;
  const gate = new SessionGate({
    run,
    sessions: new Sessions(run, hours * 3_600_000),
    host: o.host ?? '127.0.0.1',
    publicHosts: o.publicHosts,
    secureCookies: o.secureCookies,
    maxFailuresPerUser: o.maxFailuresPerUser,
    sessionSeconds: Math.round(hours * 3600),
  });
  return startBrowserServer({
    ...app,
    staticDir: RENDERER_DIST,
    host: o.host ?? '127.0.0.1',
    port: o.port,
    gate,
    socketRecheckMs: o.socketRecheckMs,
  });
}
