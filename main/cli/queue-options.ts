// The options of commands that can send their job to a queue of `quire worker` processes
// (transcribe, resume), and the queue settings they make.
import type { Command } from 'commander';
import type { QueueSettings } from '../queue/queue-runner.ts';
import { checkRedisCa, int, redisCa, redisUrl } from './option-values.ts';

export interface QueueOptions {
  redis?: string;
  redisCa?: string;
  chunkSize: number;
  attempts: number;
}

export const withQueueOptions = (command: Command): Command =>
  command
    .option(
      '--redis <url>',
      'share the lines out to `quire worker` processes through this Redis server (redis://[:PASSWORD@]host:6379[/db], rediss:// for TLS)',
      redisUrl,
    )
    .option('--redis-ca <file>', "with a rediss:// URL: the CA that signed the server's certificate (PEM)", redisCa)
    .option('--chunk-size <lines>', 'with --redis: lines per part a worker takes', int('--chunk-size'), 100)
    .option('--attempts <n>', 'with --redis: tries of a failing part before the job fails', int('--attempts'), 3);

/** Undefined without --redis: the job runs in this process. */
export function queueSettings(o: QueueOptions): QueueSettings | undefined {
  checkRedisCa(o.redis, o.redisCa);
  return o.redis ? { redisUrl: o.redis, redisCa: o.redisCa, chunkSize: o.chunkSize, attempts: o.attempts, backoffMs: 1000 } : undefined;
}
