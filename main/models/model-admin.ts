// Model versions as the workbench shows and manages them: what each was trained on, which
// jobs need it, and the project's current model. A version is deleted only when no job
// that is queued, running or resumable uses it, and never the bundled base model. Written
// once as store-neutral programs (main/db/ops.ts, `modelAdmin`), run by the model service
// (main/api/model-service.ts) on a project folder's database or on the server store.
import type { ModelSummary } from '../../shared/api.ts';
import { RESUMABLE_JOB_STATES } from '../../shared/job-states.ts';
import { jobs } from '../db/jobs.ts';
import { models } from '../db/models.ts';
import { step, type Program } from '../db/ops.ts';
import { settings } from '../db/settings.ts';
import { isBaseModel } from './base-model.ts';
import { registry, type ModelVersion } from './registry.ts';

const CURRENT = 'currentModel';
/** Jobs in these states still need their model: they run, wait, or can be resumed (the shared list of resumable states). */
const NEEDING: readonly string[] = ['queued', 'running', ...RESUMABLE_JOB_STATES];

/** Labeled lines (or, for pretraining, all lines) a version learned from; null where unknown (imported). */
function trainingLines(set: unknown): { lines: number | null; pseudo: number | null } {
  if (Array.isArray(set)) return { lines: set.length, pseudo: null };
  const s = set as { labeled?: unknown[]; pseudoLabeled?: Array<{ lines: unknown[] }>; lines?: number } | null;
  if (s && Array.isArray(s.labeled)) return { lines: s.labeled.length, pseudo: s.pseudoLabeled?.at(-1)?.lines.length ?? 0 };
  if (s && typeof s.lines === 'number') return { lines: s.lines, pseudo: null };
  return { lines: null, pseudo: null };
}

/** Ids of the jobs that need this version (as the model they read with, or start from). */
function* jobsUsingOp(modelId: number): Program<number[]> {
  return (yield* step(jobs.jobRows()))
    .filter((j) => NEEDING.includes(j.state))
    .filter((j) => {
      const config = JSON.parse(j.config) as { modelId?: unknown; from?: unknown };
      return config.modelId === modelId || config.from === modelId;
    })
    .map((j) => j.id);
}

function* summariesOp(): Program<ModelSummary[]> {
  const readings = yield* step(models.readingCounts());
  const out: ModelSummary[] = [];
  for (const v of yield* registry.versions()) out.push(yield* summary(v, readings.get(v.id) ?? 0));
  return out;
}

function* summaryOp(v: ModelVersion): Program<ModelSummary> {
  return yield* summary(v, yield* step(models.readingCount(v.id)));
}

function* summary(v: ModelVersion, readings: number): Program<ModelSummary> {
  const { lines, pseudo } = trainingLines(v.trainingSet);
  return {
    id: v.id,
    name: v.name,
    kind: v.kind,
    parentId: v.parentId,
    metrics: v.metrics,
    createdAt: v.createdAt,
    trainingLines: lines,
    pseudoLines: pseudo,
    base: isBaseModel(v),
    usedBy: yield* jobsUsingOp(v.id),
    readings,
  };
}

function* renameModelOp(id: number, name: string): Program<ModelVersion> {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('a model needs a name');
  return yield* registry.renameVersion(id, trimmed);
}

/**
 * Deletes a version and its readings; refused for the base model and for one a job needs.
 * Answers the weights hash to remove once committed (registry's deleteVersion).
 */
function* deleteModelOp(id: number): Program<string | null> {
  const version = yield* registry.version(id);
  if (isBaseModel(version)) throw new Error(`model ${id} is the bundled base model, which cannot be deleted`);
  const using = yield* jobsUsingOp(id);
  if (using.length)
    throw new Error(
      `model ${id} is used by job${using.length > 1 ? 's' : ''} ${using.join(', ')} (queued, running or resumable): it cannot be deleted`,
    );
  const unused = yield* registry.deleteVersion(id);
  if ((yield* step(settings.getSetting<number>(CURRENT))) === id) yield* step(settings.setSetting(CURRENT, undefined));
  return unused;
}

/** The version the project works with (reading, proofreading, export), if one is chosen and still there. */
function* currentModelIdOp(): Program<number | null> {
  const id = yield* step(settings.getSetting<number>(CURRENT));
  return typeof id === 'number' && (yield* step(models.modelExists(id))) ? id : null;
}

function* setCurrentModelOp(id: number | null): Program<void> {
  if (id !== null) yield* registry.version(id);
  yield* step(settings.setSetting(CURRENT, id ?? undefined));
}

/** The model administration's programs, for either store. */
export const modelAdmin = {
  jobsUsing: jobsUsingOp,
  summaries: summariesOp,
  summary: summaryOp,
  renameModel: renameModelOp,
  deleteModel: deleteModelOp,
  currentModelId: currentModelIdOp,
  setCurrentModel: setCurrentModelOp,
};
