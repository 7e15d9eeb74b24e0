// The job host of a project whose transcription is shared out to `quire worker` processes:
// transcription jobs go to the queue (distributed-run.ts), every other kind to the local
// JobRunner as before. It answers the job service like the local runner, with the same
// events, so a client (the `quire` command's waitForJob) follows either alike. One Queue
// and one QueueEvents connection serve all its runs; events are routed by task id.
import { Queue, QueueEvents } from 'bullmq';
import type { EventSink } from '../../shared/api.ts';
import { checkJobRequest, parseJobConfig, type JobConfig, type JobRequest } from '../../shared/job-configs.ts';
import { isResumable } from '../../shared/job-states.ts';
import { createJob, getJob, updateJob } from '../jobs/jobs.ts';
import type { LiveJobs } from '../jobs/live-jobs.ts';
import type { JobHost } from '../jobs/runner.ts';
import type { Project } from '../project/project.ts';
import { DistributedRun, type PartEvent, type QueueSettings } from './distributed-run.ts';
import { connectionFor, refuseEarly, whenReady } from './redis-connection.ts';
import { QUEUE_NAME } from './tasks.ts';

const CONNECT_MS = 10_000;

export type { QueueSettings };

export class QueueRunner implements JobHost {
  private readonly runs = new Map<number, DistributedRun>();
  private connected: Promise<{ queue: Queue; events: QueueEvents }> | undefined;

  constructor(
    private readonly project: Project,
    private readonly emit: EventSink,
    private readonly local: JobHost,
    private readonly settings: QueueSettings,
  ) {}

  start(request: JobRequest): number {
    if (request.kind !== 'transcribe') return this.local.start(request);
    const config = checkJobRequest(request);
    // A row as the local runner makes it, so listings and `quire jobs` show it alike.
    const job = createJob(this.project, 'transcribe', config, 'queued');
    this.emit({ type: 'job-changed', jobId: job.id, state: 'queued' });
    this.launch(job.id, parseJobConfig({ ...job, kind: 'transcribe' }));
    return job.id;
  }

  resume(jobId: number): void {
    const job = getJob(this.project, jobId);
    if (job.kind !== 'transcribe') return this.local.resume(jobId);
    if (this.runs.has(jobId)) throw new Error(`job ${jobId} is already queued or running`);
    if (!isResumable(job.state)) throw new Error(`job ${jobId} is ${job.state} and cannot be resumed`);
    const config = parseJobConfig({ ...job, kind: 'transcribe' });
    updateJob(this.project, jobId, { state: 'queued', log: 'resumed on the queue: lines already read are skipped' });
    this.emit({ type: 'job-changed', jobId, state: 'queued' });
    this.launch(jobId, config);
  }

  cancel(jobId: number): void {
    const run = this.runs.get(jobId);
    if (!run) return this.local.cancel(jobId);
    void run.stop('cancelled', 'cancelled');
  }

  live(): LiveJobs {
    return this.local.live();
  }

  async stop(): Promise<void> {
    // A run still going when its command ends (the command failed) is cancelled: its waiting parts leave the queue.
    for (const run of this.runs.values()) await run.stop('cancelled', 'the command that queued it stopped');
    if (this.connected) {
      const { queue, events } = await this.connected.catch(() => ({ queue: undefined, events: undefined }));
      await events?.close();
      await queue?.close();
    }
    await this.local.stop();
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
        .catch((error) => updateJob(this.project, run.jobId, { log: `event not handled: ${(error as Error).message}` }));
      return;
    }
  }

  private launch(jobId: number, config: JobConfig<'transcribe'>): void {
    void (async () => {
      let run: DistributedRun | undefined;
      try {
        const { queue } = await this.connect();
        run = new DistributedRun(this.project, this.emit, jobId, config, this.settings, queue);
        this.runs.set(jobId, run);
        await run.start();
        await run.end;
      } catch (error) {
        const message = `the queue could not take the job: ${(error as Error).message}`;
        if (run) await run.stop('failed', message);
        else {
          updateJob(this.project, jobId, { state: 'failed', error: message, log: `failed: ${message}` });
          this.emit({ type: 'job-changed', jobId, state: 'failed', error: message });
        }
      } finally {
        this.runs.delete(jobId);
      }
    })();
  }
}
