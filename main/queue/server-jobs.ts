// Jobs on a team server's PostgreSQL store (`quire serve --database URL --files DIR --redis
// URL`): the API's startTranscription, startEvaluation, segmentPages ("Find lines"),
// startTraining, startSegmenterTraining, cancelJob and resumeJob. The job's row is created in
// the store and its run followed from the server process (queue-runs.ts), its parts done by
// `quire worker` processes given the store (--database) and its files; the row's progress
// and end are written to the store and sent to the app's windows as the desktop's job events are. Finding lines answers when its job ends,
// with the job's report, as the desktop's call answers when its pages are done. Training
// (fine-tuning, semi-supervised, SeqCLR pretraining) is one task, taken by one worker, which
// checkpoints into the shared folder of files: a task handed out again, or a job resumed,
// continues from there (training-run.ts, train-part.ts). A job whose follower died (its lease
// ran out, run-lease.ts) is marked interrupted here, and may be resumed or cancelled from here.
// Segmenter fine-tuning is one task too, its model written to the shared folder's segmenters/
// (segmenter-run.ts, segmenter-part.ts), checkpointed in the shared folder like training.
import type { EventSink, ProjectApi, SegmentReport } from '../../shared/api.ts';
import { checkJobRequest, parseJobConfig, type JobRequest } from '../../shared/job-configs.ts';
import { isResumable } from '../../shared/job-states.ts';
import { projectSegmenterJob } from '../../shared/segmenter-options.ts';
import { dataset } from '../db/dataset.ts';
import { documents } from '../db/documents.ts';
import type { UndoHistories } from '../edits/undo-stack.ts';
import { jobRecords, type Job } from '../jobs/jobs.ts';
import { baseSegmenterAt, projectSegmenterModel } from '../layout/project-segmenters.ts';
import { NO_CORRECTED_PAGES } from '../jobs/segmenter-training.ts';
import { checkSegmentable } from '../layout/segment-pages.ts';
import { ensureBaseModelOp } from '../models/base-model.ts';
import { registry } from '../models/registry.ts';
import { authorName } from '../project/author.ts';
import { filesStore } from '../project/project-store.ts';
import { offQueueSummary, type AnyJobParts, type QueueSettings, type QueueStore } from './distributed-run.ts';
import { evaluationParts, labeledInSplit } from './evaluation-run.ts';
import { findLinesParts } from './find-lines-run.ts';
import { QueueRuns } from './queue-runs.ts';
import { ORPHAN_AFTER_MS, orphanedJobs, runTasksOf } from './run-lease.ts';
import { segmenterParts } from './segmenter-run.ts';
import { trainingParts } from './training-run.ts';
import { transcriptionParts } from './transcription-run.ts';

export type ServerJobMethods = Pick<
  ProjectApi,
  'startTranscription' | 'startEvaluation' | 'segmentPages' | 'startTraining' | 'startSegmenterTraining' | 'cancelJob' | 'resumeJob'
>;

/** The kinds of job that run on a server store. */
const QUEUED_KINDS: readonly string[] = ['transcribe', 'evaluate', 'find-lines', 'pretrain', 'finetune', 'segment'];
type QueuedKind = 'transcribe' | 'evaluate' | 'find-lines' | 'pretrain' | 'finetune' | 'segment';
/** The kinds whose one task is a run of steps in one worker, which stops only at its next step (train-part.ts, segmenter-part.ts). */
const stepped = (job: Job) => job.kind === 'pretrain' || job.kind === 'finetune' || job.kind === 'segment';

export interface ServerJobsOptions {
  store: QueueStore;
  /** The store's shared folder of files (a project's fine-tuned segmenters are in its segmenters/). */
  files: string;
  /** Where the job events go (every window; an account's undo history to its own). */
  emit: EventSink;
  settings: QueueSettings;
  /** The accounts' undo histories: finding lines changes pages outside them, whose steps are dropped. */
  histories: UndoHistories;
}

/** Why a job of this kind cannot run on a server store. */
const notHere = (job: Job) =>
  new Error(
    `job ${job.id} is a ${job.kind} job: on a server store only transcription, evaluation, finding lines, training and segmenter fine-tuning run`,
  );

export function serverJobs({ store, files, emit, settings, histories }: ServerJobsOptions): {
  methods: ServerJobMethods;
  stop(): Promise<void>;
} {
  const runs = new QueueRuns(store, emit, settings);
  const orphanAfterMs = settings.orphanAfterMs ?? ORPHAN_AFTER_MS;
  /** The rows of runs no process follows any more (run-lease.ts): marked interrupted, to be resumed or cancelled from here. */
  const sweep = async () => {
    for (const job of await store.run(orphanedJobs(orphanAfterMs, (id) => runs.has(id)))) {
      await store.run(
        jobRecords.update(job.id, {
          state: 'interrupted',
          log: 'no server process follows this job any more (it stopped, or lost the store); resume continues with what is left',
        }),
      );
      emit({ type: 'job-changed', jobId: job.id, state: 'interrupted' });
    }
  };
  /** A stopped run's tasks still waiting leave the queue before its job is resumed or cancelled elsewhere. */
  const takeOffStopped = async (job: Job) => {
    const tasks = runTasksOf(job);
    if (!tasks) return '';
    const { removed, left } = await runs.takeOff(tasks);
    return removed || left ? `; the stopped run's ${offQueueSummary(removed, left)}` : '';
  };
  const swept = sweep().catch(() => {});
  const sweeper = setInterval(() => void sweep().catch(() => {}), Math.max(250, orphanAfterMs / 2));
  sweeper.unref?.();
  /** The job's parts as its kind makes them, from its stored config. */
  const partsOf = (job: Job): AnyJobParts => {
    if (job.kind === 'transcribe')
      return transcriptionParts(store, job.id, parseJobConfig({ ...job, kind: 'transcribe' }), settings.chunkSize);
    if (job.kind === 'evaluate') return evaluationParts(store, job.id, parseJobConfig({ ...job, kind: 'evaluate' }), settings.chunkSize);
    if (job.kind === 'find-lines') return findLinesParts(store, job.id, parseJobConfig({ ...job, kind: 'find-lines' }));
    if (job.kind === 'pretrain' || job.kind === 'finetune') return trainingParts(store, job);
    if (job.kind === 'segment') return segmenterParts(store, files, job);
    throw notHere(job);
  };
  /** A new job's row, queued, and its run launched: resolves when it ends. */
  const launch = async (kind: QueuedKind, request: Record<string, unknown>) => {
    // Training's threads are left as asked: a worker trains with its own --threads unless the job names them.
    const config = checkJobRequest({ ...request, kind } as JobRequest);
    const job = await store.run(jobRecords.create(kind, config, 'queued'));
    emit({ type: 'job-changed', jobId: job.id, state: 'queued' });
    return { jobId: job.id, end: runs.launch(job.id, partsOf(job)) };
  };
  /** Pages changed by a job outside the undo histories: their steps go (an account's undo would otherwise meet a conflict). */
  const changedPages = (pageIds: number[]) => {
    histories.forget(pageIds);
    emit({ type: 'history-changed', ...histories.of().state() });
    emit({ type: 'project-changed' });
  };

  /** Checks that a named version exists; 'base' is resolved by `modelId` once every check has passed (a refusal adds no model). */
  const checkModel = async (ref: number | 'base') => {
    if (ref !== 'base') await store.run(registry.version(ref));
  };
  const modelId = async (ref: number | 'base') => (ref === 'base' ? (await store.run(ensureBaseModelOp(files))).id : ref);

  const methods: ServerJobMethods = {
    async startTranscription(request) {
      // Refused here, not by every worker in turn after the parts are queued.
      await checkModel(request.modelId);
      if (request.pageIds) await store.run(documents.refuseRemovedPages(request.pageIds));
      return { jobId: (await launch('transcribe', { ...request, modelId: await modelId(request.modelId) })).jobId };
    },

    async startEvaluation({ modelId: ref, split }) {
      await checkModel(ref);
      if ((await labeledInSplit(store, split)).length === 0) throw new Error(`no labeled lines in the ${split} split to evaluate on`);
      return { jobId: (await launch('evaluate', { modelId: await modelId(ref), split })).jobId };
    },

    async segmentPages({ pageIds, segmenter, segmenterFile }): Promise<SegmentReport> {
      // A window never names a file on the server: only the bundled and classical segmenters, and the project's own.
      if (segmenterFile)
        throw new Error('a segmenter file is not taken by a team server: name a segmenter (bundled, classical or project:<job>)');
      await store.run(checkSegmentable(pageIds));
      const fineTuned = segmenter === undefined ? null : projectSegmenterJob(segmenter);
      if (fineTuned !== null) await projectSegmenterModel(filesStore(store.run, files), fineTuned);
      const { jobId, end } = await launch('find-lines', { pageIds, segmenter, author: authorName() });
      try {
        await end;
      } finally {
        changedPages(pageIds);
      }
      const job = await store.run(jobRecords.get(jobId));
      if (job.state !== 'done')
        throw new Error(
          `finding lines (job ${jobId}) ${job.state}${job.error ? `: ${job.error}` : ''}; pages it had done keep their new lines`,
        );
      return (job.progress as { result: SegmentReport }).result;
    },

    async startTraining(request) {
      // Refused here, not by a worker after the task is queued: the model to start from, and lines to train on.
      if (request.kind === 'pretrain') return { jobId: (await launch(request.kind, request)).jobId };
      if (request.from !== undefined) await checkModel(request.from);
      else if (request.freezeEncoder) throw new Error('--freeze-encoder needs --from MODEL_ID (an encoder to keep)');
      if (!(await store.run(dataset.labeledLineRows())).some((r) => r.split === 'train'))
        throw new Error('no labeled lines in the train split: transcribe some lines first');
      const from = request.from === undefined ? undefined : await modelId(request.from);
      return { jobId: (await launch(request.kind, { ...request, from })).jobId };
    },

    async startSegmenterTraining(request) {
      // Refused here, not by a worker after the task is queued: pages to train on, and a model to start from.
      if ((await store.run(dataset.correctedPageIds())).length === 0) throw new Error(`${NO_CORRECTED_PAGES} (outside excluded regions)`);
      // A window never names a file on the server: the model goes to the shared folder's segmenters/ (listed, and offered by "Find lines").
      if (request.out !== undefined)
        throw new Error('a team server writes a fine-tuned segmenter to its segmenters/ folder: leave out `out` (--out)');
      await baseSegmenterAt(filesStore(store.run, files), request.from);
      return { jobId: (await launch('segment', request)).jobId };
    },

    async cancelJob({ jobId }) {
      // A training task in a worker's hands stops at its next step (its worker reads the row), keeping its checkpoint;
      // a segmenter task likewise, writing no model.
      if (runs.cancel(jobId)) return { ok: true as const };
      const job = await store.run(jobRecords.get(jobId));
      if (!QUEUED_KINDS.includes(job.kind)) throw notHere(job);
      // Its follower gone (the sweep has not come round yet, or did): cancelled from here.
      const orphan = (await store.run(orphanedJobs(orphanAfterMs, (id) => runs.has(id)))).some((j) => j.id === jobId);
      if (orphan || job.state === 'interrupted') {
        const taken = await takeOffStopped(job);
        await store.run(jobRecords.update(jobId, { state: 'cancelled', log: `cancelled after its server process stopped${taken}` }));
        emit({ type: 'job-changed', jobId, state: 'cancelled' });
        return { ok: true as const };
      }
      // Another server process on the store may follow it: only it can take its parts off the queue.
      throw new Error(`job ${jobId} is ${job.state} and not followed by this server process: cancel it where it was started`);
    },

    async resumeJob({ jobId }) {
      const job = await store.run(jobRecords.get(jobId));
      const parts = partsOf(job);
      if (runs.has(jobId)) throw new Error(`job ${jobId} is already queued or running`);
      if (!isResumable(job.state)) throw new Error(`job ${jobId} is ${job.state} and cannot be resumed`);
      if (stepped(job) && (await runs.inHand(jobId)))
        throw new Error(`job ${jobId} is still stopping in a worker (at its next step, keeping its checkpoint): resume it in a moment`);
      const taken = await takeOffStopped(job);
      const log = stepped(job)
        ? 'resumed on the queue: its worker continues from the checkpoint'
        : 'resumed on the queue: only what is left is queued';
      await store.run(jobRecords.update(jobId, { state: 'queued', log: `${log}${taken}` }));
      emit({ type: 'job-changed', jobId, state: 'queued' });
      const end = runs.launch(jobId, parts);
      if (job.kind === 'find-lines') void end.then(() => changedPages(parseJobConfig({ ...job, kind: 'find-lines' }).pageIds));
      return { ok: true as const };
    },
  };
  // A run going when the server stops is cancelled, resumable: its waiting parts leave the queue.
  const stop = async () => {
    clearInterval(sweeper);
    await swept;
    await runs.stop('the server stopped');
  };
  return { methods, stop };
}
