// `npm run bench:scale`: distributed transcription (#21) on this machine. A throwaway
// redis-server, a project of generated lines read by a tiny model, and 1, 2 and 4
// `quire worker` processes (one reading thread each): lines per second from the job's start
// to its end as its enqueuer sees it, workers already started. Then the queue's own cost: a
// worker given parts with no lines (a round of Redis calls, BullMQ's bookkeeping, the event
// back to the enqueuer), per part. Prints a table; docs/results/scale.md says how to read it.
//   --lines N (default 20000)   --chunk N lines per part (default 100)
//   --workers 1,2,4             --empty N empty parts (default 500)
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { withClient } from '../main/cli/client.ts';
import { createJob } from '../main/jobs/jobs.ts';
import { Project } from '../main/project/project.ts';
import { connectionFor, QUEUE_NAME, type Task } from '../main/queue/tasks.ts';
import { CLI } from '../test/helpers/cli.ts';
import { manyLinesProject } from '../test/helpers/many-lines.ts';
import { launchRedis, redisSkip } from '../test/helpers/redis.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '20000' },
    chunk: { type: 'string', default: '100' },
    workers: { type: 'string', default: '1,2,4' },
    empty: { type: 'string', default: '500' },
  },
});
const lines = Number(values.lines);
const chunkSize = Number(values.chunk);
const workerCounts = values.workers.split(',').map(Number);
const emptyParts = Number(values.empty);
if (redisSkip) throw new Error(redisSkip);

const redis = await launchRedis();
const made = await manyLinesProject(lines, { pages: 8 });
const started: ChildProcess[] = [];

/** Starts `n` workers and resolves once each takes tasks. */
async function startWorkers(n: number): Promise<ChildProcess[]> {
  const children = Array.from({ length: n }, () =>
    // A worker opens only projects under the folders it is given (--projects).
    spawn(process.execPath, [CLI, 'worker', '--redis', redis.url, '--projects', dirname(made.dir), '--threads', '1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  started.push(...children);
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          child.stderr!.on('data', (d) => {
            out += d;
            if (out.includes('takes tasks')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`a worker exited (${code}): ${out}`)));
        }),
    ),
  );
  return children;
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      return gone;
    }),
  );
}

const rows: Array<Record<string, string | number>> = [];
try {
  let base = 0;
  for (const n of workerCounts) {
    const children = await startWorkers(n);
    const seconds = await withClient(
      made.dir,
      async (client) => {
        const t0 = performance.now();
        const { jobId } = await client.call('startTranscription', { modelId: made.modelId });
        await client.waitForJob(jobId, () => {});
        return (performance.now() - t0) / 1000;
      },
      { queue: { redisUrl: redis.url, chunkSize, attempts: 3, backoffMs: 1000 } },
    );
    await stopWorkers(children);
    const perSecond = lines / seconds;
    base ||= perSecond;
    rows.push({ workers: n, lines, seconds: seconds.toFixed(1), 'lines/s': perSecond.toFixed(0), speedup: (perSecond / base).toFixed(2) });
  }
  console.table(rows);

  // Empty parts: everything but the reading. One worker, its reader already loaded by a first part.
  const [worker] = await startWorkers(1);
  const project = Project.open(made.dir);
  const job = createJob(project, 'transcribe', { kind: 'transcribe', modelId: made.modelId }, 'running');
  project.close();
  const connection = connectionFor(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  await events.waitUntilReady();
  const task = (index: number, lineIds: number[]): Task => ({
    v: 1,
    store: { kind: 'sqlite', root: made.dir },
    jobId: job.id,
    kind: 'transcribe',
    config: { kind: 'transcribe', modelId: made.modelId },
    part: { index, of: emptyParts, lineIds },
  });
  const done = (prefix: string, count: number) =>
    new Promise<void>((resolve) => {
      let n = 0;
      events.on('completed', ({ jobId }) => {
        if (jobId.startsWith(prefix) && ++n === count) resolve();
      });
    });
  const warm = done('warm-', 1);
  await queue.add('transcribe', task(0, [1]), { jobId: 'warm-0' });
  await warm;
  const t0 = performance.now();
  const all = done('empty-', emptyParts);
  await queue.addBulk(
    Array.from({ length: emptyParts }, (_, i) => ({ name: 'transcribe', data: task(i, []), opts: { jobId: `empty-${i}` } })),
  );
  await all;
  const ms = performance.now() - t0;
  console.table([{ 'empty parts': emptyParts, workers: 1, seconds: (ms / 1000).toFixed(2), 'ms per part': (ms / emptyParts).toFixed(2) }]);
  await events.close();
  await queue.close();
  await stopWorkers([worker]);
} finally {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await redis.stop();
}
