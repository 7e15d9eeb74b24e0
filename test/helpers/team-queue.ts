// A team server with its job queue, as the queue tests on the PostgreSQL store set it up: a
// real PostgreSQL (a database for the file) and Redis from the Debian packages, a project
// folder moved to the store with its accounts (NAME-password, as team-client.ts signs in),
// the server on it with the queue, a client of the queue, and `quire worker` processes given
// the store. Everything is closed after the file's tests, before PostgreSQL and Redis stop.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { addUser } from '../../main/accounts/accounts.ts';
import { serveTeam } from '../../main/app/team-server.ts';
import { openServerStore, type PgStore } from '../../main/db/pg/store.ts';
import { Project } from '../../main/project/project.ts';
import { moveProject } from '../../main/project/move-project.ts';
import type { QueueSettings } from '../../main/queue/distributed-run.ts';
import { connectionFor, QUEUE_NAME } from '../../main/queue/tasks.ts';
import type { Role } from '../../shared/roles.ts';
import { quireProcess, stopAll } from './cli-process.ts';
import { postgresForThisFile, postgresMissing } from './postgres.ts';
import { tempDir } from './project.ts';
import { redisSkip, startRedis } from './redis.ts';

export interface ServedTeam {
  app: Awaited<ReturnType<typeof serveTeam>>;
  /** http://127.0.0.1:PORT */
  base: string;
  /** The store's URL. */
  url: string;
  /** The store's shared folder of files. */
  files: string;
  store: PgStore;
}

/**
 * The file's PostgreSQL and Redis (call at the top level, before any other `after`): `skip`
 * says why the file's tests cannot run, `serve` moves a project there and serves it.
 */
export async function teamQueue() {
  const open: Partial<ServedTeam>[] = [];
  let queue: Queue | undefined;
  // Registered first: the servers' queue connections close while Redis still answers.
  after(async () => {
    await stopAll();
    for (const t of open) {
      await t.app?.close();
      await t.store?.end();
    }
    await queue?.close();
  });
  const skip = postgresMissing ?? redisSkip;
  const database = postgresForThisFile();
  const redisUrl = skip ? '' : (await startRedis()).url;
  // A client of the queue, to look at its tasks.
  if (!skip) queue = new Queue(QUEUE_NAME, { connection: connectionFor(redisUrl) });

  /** Moves the project folder `dir` to a new database, its `users` added: the store's URL and files folder. */
  async function move(dir: string, users: Record<string, Role>): Promise<Pick<ServedTeam, 'url' | 'files'>> {
    const project = Project.open(dir);
    try {
      for (const [name, role] of Object.entries(users)) await addUser(project.db, name, role, `${name}-password`);
    } finally {
      project.close();
    }
    const url = await database();
    const files = join(tempDir(), 'files');
    await moveProject({ from: dir, to: url, files });
    return { url, files };
  }

  /** Serves a moved project with the queue. */
  async function serveOn(
    { url, files }: Pick<ServedTeam, 'url' | 'files'>,
    settings: Omit<QueueSettings, 'redisUrl'>,
  ): Promise<ServedTeam> {
    const team: Partial<ServedTeam> = { url, files };
    open.push(team);
    team.app = await serveTeam({ database: url, files, queue: { redisUrl, ...settings } }, { port: 0, sessionHours: 1 });
    team.base = `http://127.0.0.1:${team.app.server.port}`;
    team.store = await openServerStore(url, { existing: true });
    return team as ServedTeam;
  }

  const serve = async (dir: string, users: Record<string, Role>, settings: Omit<QueueSettings, 'redisUrl'>) =>
    serveOn(await move(dir, users), settings);

  /** A `quire worker` on the served store (one thread, a 2 s lock), `extra` arguments added. */
  const worker = (team: Pick<ServedTeam, 'url' | 'files'>, ...extra: string[]) =>
    quireProcess([
      'worker',
      '--redis',
      redisUrl,
      '--database',
      team.url,
      '--files',
      dirname(team.files),
      '--lock-ms',
      '2000',
      '--threads',
      '1',
      ...extra,
    ]);

  /** Waits until at least `count` tasks wait on the queue (30 s at most); `what` names them. */
  const untilWaiting = async (count: number, what: string) => {
    const deadline = Date.now() + 30_000;
    while ((await queue!.getWaitingCount()) < count) {
      assert.ok(Date.now() < deadline, `${what} did not reach the queue within 30 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return { skip, redisUrl, queue: queue!, move, serveOn, serve, worker, untilWaiting };
}
