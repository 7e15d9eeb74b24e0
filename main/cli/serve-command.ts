// `quire serve DIR` or `quire serve --database URL --files DIR [--redis URL]`: the workbench for
// a team over HTTP, with log-in (main/app/team-server.ts), on a project folder or a PostgreSQL
// server store, whose transcription jobs go to `quire worker` processes through Redis.
// Runs until Ctrl+C or SIGTERM; a running job checkpoints and stays resumable.
import type { Command } from 'commander';
import { serveTeam, type ServerStoreProject } from '../app/team-server.ts';
import { displayUrl, isServerUrl } from '../db/pg/store.ts';
import { int } from './option-values.ts';
import { printable } from './output.ts';
import { redisLabel } from '../queue/redis-connection.ts';
import { queueSettings, withQueueOptions, type QueueOptions } from './queue-options.ts';

export function addServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('serve the project to a team over HTTP: accounts sign in (add them with `quire user add`), each edit names its author')
    .argument('[dir]', 'project folder (or give --database)')
    .option(
      '--database <url>',
      'serve the project in this PostgreSQL server store instead (postgres://…; see `quire migrate`): log-in, pages, transcriptions and search so far',
    )
    .option('--files <dir>', "with --database: the server project's shared folder for images (as `quire migrate --files` filled it)")
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface; put a TLS reverse proxy in front)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', int('--port', 0), 8080)
    .option('--public-host <name...>', "the name(s) browsers reach the server by, with the port if not 80/443 (a reverse proxy's)")
    .option('--secure-cookies', 'mark the session cookie Secure although requests arrive over plain HTTP (behind a TLS proxy)')
    .option('--session-hours <n>', 'how long a log-in lasts', int('--session-hours'), 12);
  // With --database: transcription jobs go to `quire worker --database URL --files DIR` processes.
  withQueueOptions(command).action(
    async (
      dir: string | undefined,
      o: {
        host: string;
        port: number;
        publicHost?: string[];
        secureCookies?: boolean;
        sessionHours: number;
        database?: string;
        files?: string;
      } & QueueOptions,
    ) => {
      const project = serveWhat(dir, o);
      const { server, close } = await serveTeam(project, {
        host: o.host,
        port: o.port,
        publicHosts: o.publicHost,
        secureCookies: o.secureCookies,
        sessionHours: o.sessionHours,
      });
      console.log(`Quire team server for ${typeof project === 'string' ? printable(project) : displayUrl(project.database)}`);
      console.log(`Open ${server.url}`);
      if (typeof project !== 'string' && project.queue)
        console.log(
          `Transcription goes to the queue at ${redisLabel(project.queue.redisUrl)}: start workers with quire worker --redis URL --database URL --files DIR`,
        );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await close();
    },
  );
}

/** A project folder, or a server store with its files' folder: one or the other, said in full. */
function serveWhat(dir: string | undefined, o: { database?: string; files?: string } & QueueOptions): string | ServerStoreProject {
  const queue = queueSettings(o);
  if (o.database === undefined) {
    if (dir === undefined) throw new Error('name the project folder, or give --database URL --files DIR');
    if (o.files !== undefined) throw new Error('--files is for --database: a project folder holds its own files');
    if (queue) throw new Error('--redis is for --database: a served project folder runs its jobs in the server process');
    return dir;
  }
  if (dir !== undefined) throw new Error(`give a project folder or --database, not both (${printable(dir)})`);
  if (!isServerUrl(o.database)) throw new Error('--database: not a postgres:// or postgresql:// URL');
  if (o.files === undefined) throw new Error("--database needs --files DIR: the server project's shared folder of images");
  return { database: o.database, files: o.files, queue };
}
