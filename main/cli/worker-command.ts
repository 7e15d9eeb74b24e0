// `quire worker --redis URL`: a long-running process that takes parts of jobs (chunks of
// lines to transcribe) from the queue and writes their results into the project store the
// job came from: a project folder under --projects, or a team server's PostgreSQL store given
// by --database with its files under --files. Start any number, on any machine that reaches
// Redis and the store.
import type { Command } from 'commander';
import { defaultTrainingThreads } from '../ml/parallel.ts';
import { runWorker } from '../queue/worker.ts';
import { checkRedisCa, folderList, int, redisCa, redisUrl } from './option-values.ts';

export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'take transcription work from a Redis queue (started with `quire transcribe --redis`) until stopped with Ctrl+C or SIGTERM',
    )
    .requiredOption(
      '--redis <url>',
      'the Redis server of the queue: redis://[USER:PASSWORD@]host:6379[/db], rediss:// for TLS (or the password in QUIRE_REDIS_PASSWORD)',
      redisUrl,
    )
    .option('--redis-ca <file>', "with a rediss:// URL: the CA that signed the server's certificate (PEM)", redisCa)
    .option(
      '--projects <dirs>',
      'the folders (comma-separated, or the option repeated) under which this worker may open the project folders tasks name',
      folderList,
    )
    .option(
      '--database <url>',
      "a team server's PostgreSQL store this worker may open (postgres://[USER[:PASSWORD]@]host/db, or the password in PGPASSWORD); repeat the option for several",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--files <dirs>',
      "with --database: the folders (comma-separated, or repeated) under which the server stores' shared folders of files lie, at the path the server has",
      folderList,
    )
    .option('--concurrency <n>', 'parts worked on at once', int('--concurrency'), 1)
    .option(
      '--threads <n>',
      'threads that read lines, and train (unless the training job names its own)',
      int('--threads'),
      defaultTrainingThreads(),
    )
    .option(
      '--lock-ms <ms>',
      "how long a part waits after its worker stopped answering before another takes it (BullMQ's lock); a training task renews it after each step, so it must outlast one training step and one validation",
      int('--lock-ms', 500),
      30_000,
    )
    .option('--verbose', 'log every batch of lines, not only each part')
    .action(
      async (o: {
        redis: string;
        redisCa?: string;
        projects?: string[];
        database?: string[];
        files?: string[];
        concurrency: number;
        threads: number;
        lockMs: number;
        verbose?: boolean;
      }) => {
        checkRedisCa(o.redis, o.redisCa);
        // Required, with no default such as the current folder: a task names its project by path
        // and anyone who can write to Redis can queue one, so what a worker may open is chosen
        // by whoever starts it, never by where it happened to be started.
        if (!o.projects?.length && !o.database?.length)
          throw new Error(
            'quire worker needs --projects DIR[,DIR...] (the folders under which it may open the projects that tasks name) or --database postgres://… --files DIR (the server stores it may open): anyone who can reach Redis can queue a task',
          );
        const stop = new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await runWorker(
          {
            redisUrl: o.redis,
            redisCa: o.redisCa,
            projects: o.projects,
            databases: o.database,
            files: o.files,
            concurrency: o.concurrency,
            threads: o.threads,
            lockMs: o.lockMs,
            verbose: !!o.verbose,
            log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
          },
          stop,
        );
      },
    );
}
