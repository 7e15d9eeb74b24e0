// `quire serve DIR`: the workbench for a team over HTTP, with log-in (main/app/team-server.ts).
// Runs until Ctrl+C or SIGTERM; a running job checkpoints and stays resumable.
import type { Command } from 'commander';
import { serveTeam } from '../app/team-server.ts';
import { int } from './option-values.ts';
import { printable } from './output.ts';

export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the project to a team over HTTP: accounts sign in (add them with `quire user add`), each edit names its author')
    .argument('<dir>', 'project folder')
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface; put a TLS reverse proxy in front)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', int('--port', 0), 8080)
    .option('--public-host <name...>', "the name(s) browsers reach the server by, with the port if not 80/443 (a reverse proxy's)")
    .option('--secure-cookies', 'mark the session cookie Secure although requests arrive over plain HTTP (behind a TLS proxy)')
    .option('--session-hours <n>', 'how long a log-in lasts', int('--session-hours'), 12)
    .action(
      async (dir: string, o: { host: string; port: number; publicHost?: string[]; secureCookies?: boolean; sessionHours: number }) => {
        const { server, close } = await serveTeam(dir, {
          host: o.host,
          port: o.port,
          publicHosts: o.publicHost,
          secureCookies: o.secureCookies,
          sessionHours: o.sessionHours,
        });
        console.log(`Quire team server for ${printable(dir)}`);
        console.log(`Open ${server.url}`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await close();
      },
    );
}
