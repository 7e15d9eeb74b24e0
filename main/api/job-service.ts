// The service methods for background jobs: list them (with what the runner knows sooner
// than the table), start training, reading, evaluation and segmenter fine-tuning, and
// cancel or resume one. The runner checks each job's config (shared/job-configs.ts).
import type { ProjectApi, Split } from '../../shared/api.ts';
import { documents } from '../db/documents.ts';
import { desktopRunner, perform } from '../db/execute.ts';
import type { Runner } from '../db/ops.ts';
import { jobRecords } from '../jobs/jobs.ts';
import { withLiveStates } from '../jobs/live-jobs.ts';
import type { JobHost } from '../jobs/runner.ts';
import { correctedPageIds } from '../jobs/segmenter-training.ts';
import { checkTrainingRequest } from '../jobs/training-runs.ts';
import { listProjectSegmenters } from '../layout/project-segmenters.ts';
import { ensureBaseModel } from '../models/base-model.ts';
import { getVersion } from '../models/registry.ts';
import { labeledLines } from '../project/dataset.ts';
import type { Project } from '../project/project.ts';

type JobMethods = Pick<
  ProjectApi,
  | 'listJobs'
  | 'startTraining'
  | 'startTranscription'
  | 'startEvaluation'
  | 'startSegmenterTraining'
  | 'listSegmenters'
  | 'cancelJob'
  | 'resumeJob'
>;

/**
 * The jobs as the app lists them, read by `run` from either store, with what the runner (if
 * this process has one) knows sooner than the table.
 */
export async function jobList(run: Runner, runner?: JobHost): ReturnType<ProjectApi['listJobs']> {
  return withLiveStates(await run(jobRecords.list()), runner?.live() ?? { running: undefined, waiting: [] }).map(
    ({ id, kind, state, progress, error, log, modelId, config, createdAt, updatedAt, waiting }) => ({
      id,
      kind,
      state,
      progress,
      error,
      log,
      modelId,
      config,
      createdAt,
      updatedAt,
      waiting,
    }),
  );
}

/** Without a runner (a service made for one task, as in tests) jobs are listed but none is started. */
export function jobMethods(project: Project, runner: JobHost | undefined): JobMethods {
  const jobs = () => {
    if (!runner) throw new Error('background jobs need a job runner (the app, or the quire command, has one)');
    return runner;
  };
  // Requests a job could only fail are refused before a job row is made: a failed job in the
  // list (and a Resume that fails again) says less than the reason given at once.
  const needsLabeled = (split: Split, what: string) => {
    if (labeledLines(project, [split]).length === 0) throw new Error(`no labeled lines in the ${split} split: ${what}`);
  };
  /** Checks that a named version exists; 'base' is resolved by `modelId` once every check has passed. */
  const checkModel = (ref: number | 'base') => {
    if (ref !== 'base') getVersion(project, ref);
  };
  const modelId = (ref: number | 'base') => (ref === 'base' ? ensureBaseModel(project).id : ref);
  return {
    async listJobs() {
      return jobList(
        desktopRunner(() => project.db),
        runner,
      );
    },

    // Each checks everything (the runner first) before `modelId` may add the base model.
    async startTraining(request) {
      const host = jobs();
      // The server's defaults (threads), the same check as a job's config on resume.
      if (request.kind === 'pretrain') return { jobId: host.start(checkTrainingRequest(request)) };
      if (request.from !== undefined) checkModel(request.from);
      else if (request.freezeEncoder) throw new Error('--freeze-encoder needs --from MODEL_ID (an encoder to keep)');
      needsLabeled('train', 'transcribe some lines first');
      const from = request.from === undefined ? undefined : modelId(request.from);
      return { jobId: host.start(checkTrainingRequest({ ...request, from })) };
    },

    async startTranscription(request) {
      const host = jobs();
      checkModel(request.modelId);
      if (request.pageIds) perform(project.db, documents.refuseRemovedPages(request.pageIds));
      return { jobId: host.start({ kind: 'transcribe', ...request, modelId: modelId(request.modelId) }) };
    },

    async startEvaluation({ modelId: ref, split }) {
      const host = jobs();
      checkModel(ref);
      needsLabeled(split, 'to evaluate on');
      return { jobId: host.start({ kind: 'evaluate', modelId: modelId(ref), split }) };
    },

    async startSegmenterTraining(request) {
      // Refused before it queues: a job that can only fail would wait behind others first.
      if (correctedPageIds(project).length === 0)
        throw new Error('no corrected pages: a segmenter trains on pages whose every line is transcribed (outside excluded regions)');
      return { jobId: jobs().start({ kind: 'segment', ...request }) };
    },

    async listSegmenters() {
      return { correctedPages: correctedPageIds(project).length, segmenters: await listProjectSegmenters(project) };
    },

    async cancelJob({ jobId }) {
      jobs().cancel(jobId);
      return { ok: true as const };
    },

    async resumeJob({ jobId }) {
      jobs().resume(jobId);
      return { ok: true as const };
    },
  };
}
