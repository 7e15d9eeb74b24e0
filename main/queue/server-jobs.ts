// Transcription on a team server's PostgreSQL store (`quire serve --database URL --files DIR
// --redis URL`): the API's startTranscription, cancelJob and resumeJob. The job's row is
// created in the store and its run followed from the server process (queue-runs.ts), its
// parts read by `quire worker` processes given the store (--database) and its files; the row's
// progress and end are written to the store and sent to the app's windows as the desktop's
// job events are. Only transcription runs here so far: the other kinds need a project folder.
import type { EventSink, ProjectApi } from '../../shared/api.ts';
import { checkJobRequest, parseJobConfig } from '../../shared/job-configs.ts';
import { isResumable } from '../../shared/job-states.ts';
import { jobRecords, type Job } from '../jobs/jobs.ts';
import { registry } from '../models/registry.ts';
import type { QueueSettings, QueueStore } from './distributed-run.ts';
import { QueueRuns } from './queue-runs.ts';

export type ServerJobMethods = Pick<ProjectApi, 'startTranscription' | 'cancelJob' | 'resumeJob'>;

export function serverJobs(
  store: QueueStore,
  emit: EventSink,
  settings: QueueSettings,
): { methods: ServerJobMethods; stop(): Promise<void> } {
  const runs = new QueueRuns(store, emit, settings);
  const transcription = async (jobId: number): Promise<Job> => {
    const job = await store.run(jobRecords.get(jobId));
    if (job.kind !== 'transcribe') throw new Error(`job ${jobId} is a ${job.kind} job: only transcription runs on a server store so far`);
    return job;
  };
  const methods: ServerJobMethods = {
    async startTranscription(request) {
      const config = checkJobRequest({ kind: 'transcribe', ...request });
      // Refused here, not by every worker in turn after the parts are queued.
      await store.run(registry.version(request.modelId));
      const job = await store.run(jobRecords.create('transcribe', config, 'queued'));
      emit({ type: 'job-changed', jobId: job.id, state: 'queued' });
      runs.launch(job.id, parseJobConfig({ ...job, kind: 'transcribe' }));
      return { jobId: job.id };
    },

    async cancelJob({ jobId }) {
      if (runs.cancel(jobId)) return { ok: true as const };
      const job = await transcription(jobId);
      // Another server process on the store may follow it: only it can take its parts off the queue.
      throw new Error(`job ${jobId} is ${job.state} and not followed by this server process: cancel it where it was started`);
    },

    async resumeJob({ jobId }) {
      const job = await transcription(jobId);
      if (runs.has(jobId)) throw new Error(`job ${jobId} is already queued or running`);
      if (!isResumable(job.state)) throw new Error(`job ${jobId} is ${job.state} and cannot be resumed`);
      const config = parseJobConfig({ ...job, kind: 'transcribe' });
      await store.run(jobRecords.update(jobId, { state: 'queued', log: 'resumed on the queue: lines already read are skipped' }));
      emit({ type: 'job-changed', jobId, state: 'queued' });
      runs.launch(jobId, config);
      return { ok: true as const };
    },
  };
  // A run going when the server stops is cancelled, resumable: its waiting parts leave the queue.
  return { methods, stop: () => runs.stop('the server stopped') };
}
