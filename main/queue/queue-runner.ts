// The job host of a project whose transcription is shared out to `quire worker` processes:
// transcription jobs go to the queue (queue-runs.ts, distributed-run.ts), every other kind to
// the local JobRunner as before. It answers the job service like the local runner, with the
// same events, so a client (the `quire` command's waitForJob) follows either alike.
import type { EventSink } from '../../shared/api.ts';
import { checkJobRequest, parseJobConfig, type JobConfig, type JobRequest } from '../../shared/job-configs.ts';
import { isResumable } from '../../shared/job-states.ts';
import { desktopRunner } from '../db/execute.ts';
import { createJob, getJob, updateJob } from '../jobs/jobs.ts';
import type { LiveJobs } from '../jobs/live-jobs.ts';
import type { JobHost } from '../jobs/runner.ts';
import type { Project } from '../project/project.ts';
import type { QueueSettings, QueueStore } from './distributed-run.ts';
import { QueueRuns } from './queue-runs.ts';
import { transcriptionParts } from './transcription-run.ts';

export type { QueueSettings };

export class QueueRunner implements JobHost {
  private readonly runs: QueueRuns;
  private readonly store: QueueStore;

  constructor(
    private readonly project: Project,
    private readonly emit: EventSink,
    private readonly local: JobHost,
    private readonly settings: QueueSettings,
  ) {
    this.store = { run: desktopRunner(() => project.db), ref: { kind: 'sqlite', root: project.root } };
    this.runs = new QueueRuns(this.store, emit, settings);
  }

  private launch(jobId: number, config: JobConfig<'transcribe'>): void {
    void this.runs.launch(jobId, transcriptionParts(this.store, jobId, config, this.settings.chunkSize));
  }

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
    if (!this.runs.cancel(jobId)) this.local.cancel(jobId);
  }

  live(): LiveJobs {
    return this.local.live();
  }

  async stop(): Promise<void> {
    // A run still going when its command ends (the command failed) is cancelled: its waiting parts leave the queue.
    await this.runs.stop('the command that queued it stopped');
    await this.local.stop();
  }
}
