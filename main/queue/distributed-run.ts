// One run of a job on the queue, followed from the process that queued it: the job's work
// split into parts (chunks of line ids, or pages), one BullMQ task each, and the job's row
// kept as a local job's is (running, progress, log, then done, failed or cancelled) from what
// the workers report through BullMQ's events. What the parts are, what a worker answers for
// one and how the job ends is the kind's (JobParts, job-parts.ts: transcription-run.ts,
// find-lines-run.ts, evaluation-run.ts, and training-run.ts, whose one task reports the
// training's own progress); the rest is the same for every kind. What the workers store is the
// job's checkpoint: a run that stops (this process died, the job was cancelled) is resumed by
// queuing it again, and only what is left is queued. The run follows a job of either store
// (QueueStore): a project folder's (`quire transcribe --redis`) or a team server's PostgreSQL
// store (`quire serve --database … --redis`), its row written through the store's Runner.
import type { Queue } from 'bullmq';
import type { EventSink } from '../../shared/api.ts';
import { jobRecords, type JobChange } from '../jobs/jobs.ts';
import type { JobChanged, JobParts, AnyJobParts, QueueStore } from './job-parts.ts';
import { describeIssues } from '../../shared/zod.ts';
import { redisLabel } from './redis-connection.ts';
import { BEAT_MS, takeOffQueue, type LeaseSettings } from './run-lease.ts';
import { taskIdPrefix, type PartProgress, type TaskKind, type TaskOf } from './tasks.ts';

export interface QueueSettings extends LeaseSettings {
  /** The queue's Redis server (redis-connection.ts: a password and TLS may be in the URL). */
  redisUrl: string;
  /** The CA of a rediss:// server's certificate (--redis-ca), as PEM. */
  redisCa?: string;
  /** Lines per part. */
  chunkSize: number;
  /** Tries of a part before the job fails (BullMQ retries it on any worker). */
  attempts: number;
  backoffMs: number;
  /** Interval of the state poll (POLL_MS when absent). */
  pollMs?: number;
}

/** The BullMQ events a run follows (QueueEvents'), for its own parts. */
export type PartEvent =
  | { type: 'progress'; data: unknown }
  | { type: 'completed'; returnvalue: unknown }
  | { type: 'failed'; failedReason: string }
  | { type: 'stalled' }
  | { type: 'retried' };

// The kinds' interface lives in job-parts.ts; named here too for the modules that follow runs.
export { failedEnd, type AnyJobParts, type JobChanged, type JobEnd, type JobParts, type QueueStore } from './job-parts.ts';

const PROGRESS_WRITE_MS = 250;
/**
 * How often the run also asks Redis for its parts' states. Events are the fast path, but a
 * QueueEvents stream can miss some (trimmed during an outage, a reconnect, a subscription
 * made after a quick part ended); a run waiting on a missed "completed" would wait forever.
 */
export const POLL_MS = 2000;

export class DistributedRun {
  readonly prefix: string;
  private parts: number[][] = [];
  private readonly doneIn = new Map<number, number>();
  private readonly finished = new Set<number>();
  private readonly workers = new Set<string>();
  private total = 0;
  private started = Date.now();
  private lastWrite = 0;
  private ended = false;
  private polling = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private beat: ReturnType<typeof setInterval> | undefined;
  /** The kind's parts, used only through what every kind has (each answer goes back to its own kind). */
  private readonly work: JobParts;
  private settle!: () => void;
  /** Resolves when the run has ended (done, failed or cancelled), its row written. */
  readonly end = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    private readonly store: QueueStore,
    private readonly emit: EventSink,
    readonly jobId: number,
    work: AnyJobParts,
    private readonly settings: QueueSettings,
    private readonly queue: Queue,
  ) {
    this.work = work as unknown as JobParts;
    this.prefix = taskIdPrefix(store.ref, jobId, Date.now().toString(36));
  }

  private update(change: JobChange): Promise<void> {
    return this.store.run(jobRecords.update(this.jobId, change));
  }

  private log(line: string): Promise<void> {
    return this.update({ log: line });
  }

  /** Queues the parts; the caller has subscribed the run to its events first. */
  async start(): Promise<void> {
    const ids = await this.work.todo();
    const size = this.work.partSize;
    this.total = ids.length;
    for (let i = 0; i < ids.length; i += size) this.parts.push(ids.slice(i, i + size));
    await this.update({
      state: 'running',
      progress: { step: 0, ...this.tasks() },
      log: `queued ${this.total} ${this.work.unit}${this.total === 1 ? '' : 's'} in ${this.parts.length} part(s) of up to ${size} on ${redisLabel(this.settings.redisUrl)}`,
    });
    this.emit({ type: 'job-changed', jobId: this.jobId, state: 'running' });
    if (this.parts.length === 0) return this.finish();
    await this.queue.addBulk(
      this.parts.map((partIds, index) => ({
        name: this.work.kind,
        data: {
          v: 1,
          store: this.store.ref,
          jobId: this.jobId,
          kind: this.work.kind,
          config: this.work.config,
          part: this.work.part(index, this.parts.length, partIds),
        } as TaskOf<TaskKind>,
        opts: {
          jobId: `${this.prefix}${index}`,
          attempts: this.settings.attempts,
          backoff: { type: 'fixed', delay: this.settings.backoffMs },
          // Finished tasks are kept a while for inspection (BullMQ's UI, redis-cli), not forever.
          removeOnComplete: { age: 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs ?? POLL_MS);
    // The lease (run-lease.ts): the row touched, so that no server process takes it for a dead run's.
    this.beat = setInterval(() => void this.update({}).catch(() => {}), this.settings.beatMs ?? BEAT_MS);
    // The run's own connections keep the process alive while it waits, not these timers.
    this.timer.unref?.();
    this.beat.unref?.();
  }

  /** What every progress write of the run carries: its parts, where they are queued, their task ids (run-lease.ts's RunTasks). */
  private tasks() {
    return { steps: this.total, parts: this.parts.length, queue: redisLabel(this.settings.redisUrl), tasks: this.prefix };
  }

  /** The parts' states as Redis holds them, for the ends whose event never came (see POLL_MS). */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (let i = 0; i < this.parts.length && !this.ended; i++) {
        if (this.finished.has(i)) continue;
        const task = await this.queue.getJob(`${this.prefix}${i}`).catch(() => undefined);
        const state = task ? await task.getState().catch(() => 'unknown') : 'unknown';
        // 'failed' is final in BullMQ: a part waiting for a retry is 'delayed' or 'waiting'.
        if (state === 'completed') await this.onEvent(i, { type: 'completed', returnvalue: task!.returnvalue });
        else if (state === 'failed') await this.onEvent(i, { type: 'failed', failedReason: task!.failedReason || 'no reason given' });
      }
    } catch {
      // A poll that fails (Redis away) is tried again at the next tick; events may still come.
    } finally {
      this.polling = false;
    }
  }

  private partName(index: number): string {
    const ids = this.parts[index];
    const unit = this.work.unit;
    return `part ${index + 1}/${this.parts.length} (${ids.length === 1 ? `${unit} ${ids[0]}` : `${unit}s ${ids[0]}-${ids[ids.length - 1]}`})`;
  }

  /** An event of one of this run's parts (`index` from its task id). */
  async onEvent(index: number, event: PartEvent): Promise<void> {
    if (this.ended || index >= this.parts.length) return;
    if (event.type === 'progress' && this.work.progressOf) {
      const progress = this.work.progressOf(event.data);
      if (progress && !this.finished.has(index)) this.emit({ type: 'job-progress', progress });
    } else if (event.type === 'progress') {
      const p = event.data as PartProgress;
      if (!this.finished.has(index) && Number.isFinite(p?.done)) this.doneIn.set(index, p.done);
      await this.report(false);
    } else if (event.type === 'completed') {
      if (this.finished.has(index)) return;
      this.finished.add(index);
      this.doneIn.set(index, this.parts[index].length);
      const last = this.finished.size === this.parts.length;
      // Taken now: no other event (a stop) may begin an end while this one's writes are awaited.
      if (last) this.ended = true;
      try {
        // An answer not understood is logged, not thrown: the part is still over, and finish()
        // checks the store itself, so the job neither hangs nor counts wrongly.
        const parsed = this.work.answer.safeParse(event.returnvalue);
        if (parsed.success) {
          const r = parsed.data;
          this.workers.add(r.worker);
          await this.log(`${this.partName(index)}: ${this.work.add(index, r)} by ${r.worker} in ${r.seconds.toFixed(1)} s`);
        } else
          await this.log(
            `${this.partName(index)}: finished; its worker's answer is not understood: ${describeIssues(parsed.error, 'answer')}`,
          );
        await this.report(last);
      } finally {
        // Also when the log or progress could not be written: the last part ends the run.
        if (last) await this.finish();
      }
    } else if (event.type === 'stalled') {
      await this.log(`${this.partName(index)}: its worker stopped answering (stalled); BullMQ hands it to another worker`);
    } else if (event.type === 'retried') {
      const task = await this.queue.getJob(`${this.prefix}${index}`);
      await this.log(
        `${this.partName(index)} failed (attempt ${task?.attemptsMade ?? '?'} of ${this.settings.attempts}): ${task?.failedReason ?? 'no reason given'}; retrying`,
      );
    } else if (event.type === 'failed') {
      // Only to name the attempts: the run fails also when Redis cannot say.
      const task = await this.queue.getJob(`${this.prefix}${index}`).catch(() => undefined);
      const tries = task ? ` after ${task.attemptsMade} attempt(s)` : '';
      await this.stop('failed', `${this.partName(index)} failed${tries}: ${event.failedReason}`);
    }
  }

  private async report(force: boolean): Promise<void> {
    const now = Date.now();
    if (this.work.progressOf || (!force && now - this.lastWrite < PROGRESS_WRITE_MS)) return;
    this.lastWrite = now;
    const step = [...this.doneIn.values()].reduce((a, b) => a + b, 0);
    const seconds = (now - this.started) / 1000;
    const perSecond = seconds > 0 ? step / seconds : 0;
    await this.update({ progress: { step, done: this.finished.size, ...this.tasks() } });
    // A part's progress whose write was awaited while the run ended is not told after its end.
    if (this.ended && !force) return;
    this.emit({
      type: 'job-progress',
      progress: {
        jobId: this.jobId,
        phase: this.work.phase,
        step,
        steps: this.total,
        loss: 0,
        linesPerSecond: perSecond,
        etaSeconds: perSecond > 0 ? (this.total - step) / perSecond : Infinity,
      },
    });
  }

  /** Every part is done: the kind says how the job ends. */
  private finish(): Promise<void> {
    this.ended = true;
    return this.conclude(async () => {
      const { change, event } = await this.work.finish(this.parts.flat(), this.workers);
      await this.update(change);
      return event;
    });
  }

  /**
   * Records the run's end, then tells whoever waits on it. The end is told also when it could
   * not be checked or recorded (the store busy past its timeout, or gone), as a failure naming
   * why: an error here would otherwise leave the command waiting for an end that never comes.
   */
  private async conclude(record: () => Promise<JobChanged>): Promise<void> {
    let event: JobChanged;
    try {
      event = await record();
    } catch (error) {
      const message = `the end of job ${this.jobId} could not be recorded: ${(error as Error).message}`;
      event = { type: 'job-changed', jobId: this.jobId, state: 'failed', error: message };
    }
    clearInterval(this.timer);
    clearInterval(this.beat);
    this.emit(event);
    this.settle();
  }

  /**
   * Ends the run as cancelled or failed: the parts still waiting (or waiting for a retry) are
   * taken off the queue; those in a worker's hands finish, what they store kept (a resume skips it).
   */
  async stop(state: 'cancelled' | 'failed', reason: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const { removed, left } = await takeOffQueue(this.queue, { tasks: this.prefix, parts: this.parts.length }, (i) => this.finished.has(i));
    const summary = offQueueSummary(removed, left);
    await this.conclude(async () => {
      if (state === 'failed') await this.update({ state, error: reason, log: `failed: ${reason}; ${summary}` });
      else await this.update({ state, log: `${reason}: ${summary}` });
      return { type: 'job-changed', jobId: this.jobId, state, error: state === 'failed' ? reason : undefined };
    });
  }
}

/** What taking a run's parts off the queue did, for the job's log. */
export const offQueueSummary = (removed: number, left: number) =>
  `${removed} waiting part(s) taken off the queue${left ? `, ${left} in a worker's hands finish` : ''}`;
