// `quire worker`: takes tasks from the queue (BullMQ over Redis) until it is stopped, on
// any machine that reaches Redis and the project store. BullMQ does the distributed part:
// a task is locked by the worker that took it and the lock is renewed while it runs; a
// worker that dies (SIGKILL, power loss) stops renewing, and after `lockMs` another
// worker's stalled-job check (every `lockMs / 2`) hands the task out again. A task that
// fails is retried by BullMQ as its enqueuer asked (attempts, backoff). SIGTERM or Ctrl+C
// stops taking tasks and lets the running ones finish, except a training (hours, maybe): it
// checkpoints at its next step and goes back to the queue, where another worker continues it
// from the checkpoint (train-part.ts `HandedBack`); a segmenter fine-tuning likewise stops at
// its next step and goes back, to start over elsewhere (it keeps no checkpoint:
// segmenter-part.ts). A training or segmenter task also
// renews its lock at every step it reports: BullMQ's own renewal is a timer, which a step
// computed on this thread holds up, so `lockMs` must outlast one step (and one validation).
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job as QueueJob } from 'bullmq';
import { connectionFor, redisLabel, refuseEarly, whenReady } from './redis-connection.ts';
import {
  QUEUE_NAME,
  storeLabel,
  taskSchema,
  taskVersion,
  type PartAnswers,
  type PartProgress,
  type Task,
  type TaskKind,
  type TaskOf,
} from './tasks.ts';
import { AllowedStores } from './allowed-stores.ts';
import { OpenStores } from './open-stores.ts';
import { transcribePart } from './transcribe-part.ts';
import { findLinesPart } from './find-lines-part.ts';
import { evaluatePart } from './evaluate-part.ts';
import { HandedBack } from './task-control.ts';
import { trainPart } from './train-part.ts';
import { segmenterPart } from './segmenter-part.ts';
import { describeIssues } from '../../shared/zod.ts';

export interface WorkerOptions {
  redisUrl: string;
  /** The CA of a rediss:// server's certificate (--redis-ca), as PEM. */
  redisCa?: string;
  /** The folders this worker may open projects under (allowed-projects.ts); a task naming another is refused. */
  projects?: readonly string[];
  /** The PostgreSQL server stores it may open, by URL with the credentials to use (allowed-stores.ts). */
  databases?: readonly string[];
  /** The folders under which those stores' shared folders of files lie. */
  files?: readonly string[];
  /** Tasks run at once by this process. */
  concurrency: number;
  /** Threads each reader uses. */
  threads: number;
  /**
   * How long a task's lock lives without renewal: how long a dead worker's task waits before
   * it is handed out again. BullMQ's default is 30 s; the tests use 2 s. Too short for a busy
   * machine and a live worker's task is handed out twice (harmless: lines are stored once; a
   * training whose lock another worker took stops at its next step). A training step must take
   * less (the lock is renewed after each).
   */
  lockMs: number;
  log: (line: string) => void;
  /** Log each batch of a task too (the tests wait on it to kill a worker mid-task). */
  verbose?: boolean;
}

/**
 * A task's payload, checked: a malformed one fails with the field named, and is not retried
 * into the same error (BullMQ retries any other error as many times as the task allows).
 */
function parseTask(job: QueueJob): Task {
  // Its format first: a payload of another version is named as such, not by the first field it lacks.
  const parsed = taskVersion.safeParse(job.data).success ? taskSchema.safeParse(job.data) : taskVersion.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`task ${job.id} is not a Quire task this worker understands: ${describeIssues(parsed.error, 'task')}`);
  return parsed.data as Task;
}

/** The kinds whose one task is a whole run of steps, each renewing its lock (see above). */
const stepped = (t: Task) => t.kind === 'train' || t.kind === 'segment';

const partName = (t: Task) =>
  stepped(t)
    ? `${t.kind === 'train' ? 'training' : 'segmenter'} job ${t.jobId} (${storeLabel(t.store)})`
    : `part ${t.part.index + 1}/${t.part.of} of job ${t.jobId} (${storeLabel(t.store)})`;

type Answer<K extends TaskKind> = Omit<PartAnswers[K], 'worker' | 'seconds'>;

/** A kind of task: what the log says it does and did, and how it is done. */
interface PartKind<K extends TaskKind> {
  does(task: TaskOf<K>): string;
  did(answer: Answer<K>): string;
  /** `stopping`: the worker is stopping (only a training or segmenter task heeds it: the others' parts are short). */
  run(stores: OpenStores, task: TaskOf<K>, onProgress: (p: PartProgress) => Promise<void>, stopping: AbortSignal): Promise<Answer<K>>;
  /** What its progress counts. */
  unit: string;
}

const KINDS: { [K in TaskKind]: PartKind<K> } = {
  transcribe: {
    does: (t) => `reading ${t.part.lineIds.length} lines`,
    did: (a) => `${a.written} read, ${a.skipped} already read`,
    run: transcribePart,
    unit: 'lines',
  },
  'find-lines': {
    does: (t) => `finding lines on ${t.part.pageIds.length} page(s)`,
    did: (a) =>
      `${a.pages} page(s) segmented (${a.added} lines added, ${a.removed} replaced, ${a.keptLabeled} transcribed kept), ${a.skipped} skipped`,
    run: findLinesPart,
    unit: 'pages',
  },
  evaluate: {
    does: (t) => `evaluating on ${t.part.lineIds.length} lines`,
    did: (a) => `${a.lines} lines compared with their labels, ${a.skipped} skipped`,
    run: evaluatePart,
    unit: 'lines',
  },
  train: {
    does: (t) => `training (${String(t.config.kind)} job)`,
    did: (a) =>
      a.cancelled
        ? `stopped at step ${a.steps}: its job was cancelled`
        : `model version ${a.modelId} saved after ${a.steps} steps${a.resumedAt ? `, resumed from the checkpoint at step ${a.resumedAt}` : ''}`,
    run: trainPart,
    unit: 'steps',
  },
  segment: {
    does: (t) => `fine-tuning a segmenter (${String(t.config.steps)} steps)`,
    did: (a) =>
      a.cancelled
        ? `stopped at step ${a.steps}: its job was cancelled`
        : a.steps === 0
          ? `${a.file} was written by an earlier try`
          : `${a.file} written after ${a.steps} steps on ${a.pages} corrected page(s)`,
    run: segmenterPart,
    unit: 'steps',
  },
};

/** Runs until `stop` resolves; returns once running tasks have finished and everything is closed. */
export async function runWorker(o: WorkerOptions, stop: Promise<unknown>): Promise<void> {
  const allowed = new AllowedStores({ projects: o.projects, databases: o.databases, files: o.files });
  // A refused password or certificate ends the worker at once; a server down is waited for.
  await refuseEarly(o.redisUrl, o.redisCa);
  const stores = new OpenStores(o.threads, allowed);
  const who = `${hostname()}:${process.pid}`;
  const stopping = new AbortController();
  // Its answer is checked by whoever queued the task (distributed-run.ts), as anything read from Redis.
  const worker = new Worker<unknown, unknown>(
    QUEUE_NAME,
    async (job, token) => {
      const task = parseTask(job);
      // Each kind's own task and answer: the union's members are told apart by task.kind.
      const kind = KINDS[task.kind] as PartKind<TaskKind>;
      const started = Date.now();
      o.log(`${partName(task)}: ${kind.does(task)} (attempt ${job.attemptsMade + 1})`);
      const run = kind.run(
        stores,
        task,
        async (p) => {
          if (o.verbose) o.log(`${partName(task)}: ${p.done}/${p.of} ${kind.unit}`);
          await job.updateProgress(p);
          // Renewed after each step (see above); 0: the lock is gone, the task another worker's now.
          if (stepped(task) && token && !(await job.extendLock(token, o.lockMs)))
            throw new Error(
              `${partName(task)}: its lock expired (a step took longer than --lock-ms ${o.lockMs}?); another worker continues it`,
            );
        },
        stopping.signal,
      );
      const answer = await run.catch(async (error) => {
        if (!(error instanceof HandedBack) || !token) throw error;
        // Back to the queue without counting as a failed attempt (BullMQ's pattern: move it, then say so).
        await job.moveToWait(token);
        o.log(`${partName(task)}: ${error.message}`);
        throw new WaitingError();
      });
      const seconds = (Date.now() - started) / 1000;
      o.log(`${partName(task)}: ${kind.did(answer)}, in ${seconds.toFixed(1)} s`);
      return { ...answer, worker: who, seconds };
    },
    {
      connection: connectionFor(o.redisUrl, o.redisCa),
      concurrency: o.concurrency,
      lockDuration: o.lockMs,
      stalledInterval: Math.max(500, Math.round(o.lockMs / 2)),
      // A task whose worker died twice is failed rather than handed out forever.
      maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on('failed', (job, error) => {
    if (job) o.log(`task ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
  });
  worker.on('error', (error) => o.log(`queue error: ${error.message}`));
  const ready = await whenReady(o.redisUrl, [worker], { stop });
  // Stopped before Redis answered (a wrong URL, a server down): nothing to finish.
  if (!ready) {
    await worker.close(true);
    await stores.close();
    return;
  }
  o.log(
    `worker ${who} takes tasks from ${redisLabel(o.redisUrl)} for ${allowed.describe()} (concurrency ${o.concurrency}, lock ${o.lockMs} ms)`,
  );
  const running = worker.run();
  await stop;
  o.log('stopping: finishing the tasks in hand (a training goes back to the queue at its next checkpoint)');
  stopping.abort();
  await worker.close();
  await running;
  await stores.close();
}
