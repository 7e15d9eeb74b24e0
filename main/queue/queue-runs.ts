// The runs of one store's jobs on the queue, followed from this process (the
// `quire` command that queued them, or a team server): one Queue and one QueueEvents
// connection serve all its runs, and BullMQ's events are routed to each run by task id. The
// job's row is created by the caller (the desktop's job host, or the server's job methods);
// a run here writes its progress and end through the store's Runner (distributed-run.ts).
import { Queue, QueueEvents } from 'bullmq';
import type { EventSink } from '../../shared/api.ts';
import { jobRecords } from '../jobs/jobs.ts';
import { DistributedRun, type AnyJobParts, type PartEvent, type QueueSettings, type QueueStore } from './distributed-run.ts';
import { connectionFor, refuseEarly, whenReady } from './redis-connection.ts';
import { takeOffQueue, type RunTasks } from './run-lease.ts';
import { QUEUE_NAME, taskIdPrefix } from './tasks.ts';

const CONNECT_MS = 10_000;

export class QueueRuns {
  private readonly runs = new Map<number, DistributedRun>();
  private connected: Promise<{ queue: Queue; events: QueueEvents }> | undefined;

  constructor(
    private readonly store: QueueStore,
    private readonly emit: EventSink,
    private readonly settings: QueueSettings,
  ) {}

  /** Whether this process follows the job's run now. */
  has(jobId: number): boolean {
    return this.runs.has(jobId);
  }

  /**
   * Whether a task of the job, of any run, is still in a worker's hands: a cancelled training
   * stops only at its next step, and a resumed one queued meanwhile could be trained by two
   * workers at once.
   */
  async inHand(jobId: number): Promise<boolean> {
    const { queue } = await this.connect();
    // Task ids are `<store>-j<job>-<run>-<part>` (tasks.ts taskIdPrefix): any run's of this job.
    const job = taskIdPrefix(this.store.ref, jobId, '').slice(0, -1);
    return (await queue.getActive()).some((task) => task.id?.startsWith(job));
  }

  /** Cancels the job's run if this process follows it; answers whether it did. */
  cancel(jobId: number): boolean {
    const run = this.runs.get(jobId);
    if (!run) return false;
    void run.stop('cancelled', 'cancelled');
    return true;
  }

  /** Runs still going are stopped (`reason` in their log), their waiting parts taken off the queue, and the connections closed. */
  async stop(reason: string): Promise<void> {
    for (const run of this.runs.values()) await run.stop('cancelled', reason);
    if (this.connected) {
      const { queue, events } = await this.connected.catch(() => ({ queue: undefined, events: undefined }));
      await events?.close();
      await queue?.close();
    }
  }

  /** Takes a run's waiting tasks off the queue: a run no process follows any more (run-lease.ts). */
  async takeOff(tasks: RunTasks): Promise<{ removed: number; left: number }> {
    const { queue } = await this.connect();
    return takeOffQueue(queue, tasks);
  }

  /** Queues the job's parts and follows them until the run ends (in the background); resolves then, never rejects. */
  launch(jobId: number, work: AnyJobParts): Promise<void> {
    return this.follow(jobId, work);
  }

  private async follow(jobId: number, work: AnyJobParts): Promise<void> {
    let run: DistributedRun | undefined;
    try {
      const { queue } = await this.connect();
      run = new DistributedRun(this.store, this.emit, jobId, work, this.settings, queue);
      this.runs.set(jobId, run);
      await run.start();
      await run.end;
    } catch (error) {
      const message = `the queue could not take the job: ${(error as Error).message}`;
      if (run) await run.stop('failed', message);
      else {
        await this.store.run(jobRecords.update(jobId, { state: 'failed', error: message, log: `failed: ${message}` })).catch(() => {});
        this.emit({ type: 'job-changed', jobId, state: 'failed', error: message });
      }
    } finally {
      this.runs.delete(jobId);
    }
  }

  private connect(): Promise<{ queue: Queue; events: QueueEvents }> {
    this.connected ??= (async () => {
      await refuseEarly(this.settings.redisUrl, this.settings.redisCa);
      const connection = connectionFor(this.settings.redisUrl, this.settings.redisCa);
      const events = new QueueEvents(QUEUE_NAME, { connection });
      const queue = new Queue(QUEUE_NAME, { connection });
      // Errors heard, never left unheard: BullMQ prints an error nobody listens to with
      // console.error, the command it failed included (AUTH with its password). A lost
      // connection is retried by BullMQ and the run's poll notices parts that ended meanwhile.
      const ignore = () => {};
      queue.on('error', ignore);
      events.on('error', ignore);
      const route = (type: PartEvent['type'], pick: (e: Record<string, unknown>) => PartEvent) =>
        events.on(type === 'retried' ? 'delayed' : type, (e: Record<string, unknown> & { jobId: string }) => this.route(e.jobId, pick(e)));
      route('progress', (e) => ({ type: 'progress', data: e.data }));
      route('completed', (e) => ({ type: 'completed', returnvalue: e.returnvalue }));
      route('failed', (e) => ({ type: 'failed', failedReason: String(e.failedReason) }));
      route('stalled', () => ({ type: 'stalled' }));
      // A failed attempt to be retried waits out its backoff as a delayed task.
      route('retried', () => ({ type: 'retried' }));
      // Subscribed before anything is queued: no part's end can pass unseen. BullMQ keeps
      // retrying a server it cannot reach; a command says so instead of waiting forever.
      try {
        await whenReady(this.settings.redisUrl, [events, queue], { timeoutMs: CONNECT_MS });
      } catch (error) {
        // Forced: QueueEvents' close() waits for a connection that never came (and its client
        // would keep retrying, keeping the command alive); the forced close of its backend does not.
        await Promise.allSettled([events.getBackend().close(true), queue.close()]);
        // A long-lived server's next job tries again (a Redis started later).
        this.connected = undefined;
        throw error;
      }
      return { queue, events };
    })();
    return this.connected;
  }

  private route(taskId: string, event: PartEvent): void {
    for (const run of this.runs.values()) {
      if (!taskId.startsWith(run.prefix)) continue;
      const index = Number(taskId.slice(run.prefix.length));
      run
        .onEvent(index, event)
        .catch((error) =>
          this.store.run(jobRecords.update(run.jobId, { log: `event not handled: ${(error as Error).message}` })).catch(() => {}),
        );
      return;
    }
  }
}
