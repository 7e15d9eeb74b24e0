// Starting the worker threads of a pool (training gradients, reading): all of them or none.
// If one fails to start or to initialise, those already running are terminated, since they
// would otherwise keep the process alive.
import { Worker } from 'node:worker_threads';

/** Starts `count` workers of `entry`, pushing each onto `into` as it starts, and awaits `init` of each. */
export async function startWorkers(count: number, entry: URL, into: Worker[], init: (worker: Worker) => Promise<unknown>): Promise<void> {
  try {
    await Promise.all(
      Array.from({ length: Math.max(0, count) }, async () => {
        const worker = new Worker(entry);
        into.push(worker);
        await init(worker);
      }),
    );
  } catch (error) {
    await Promise.all(into.map((w) => w.terminate()));
    into.length = 0;
    throw error;
  }
}
