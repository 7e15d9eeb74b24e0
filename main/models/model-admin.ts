// Model versions as the workbench shows and manages them: what each was trained on, which
// jobs need it, and the project's current model. A version is deleted only when no job
// that is queued, running or resumable uses it, and never the bundled base model.
import type { ModelSummary } from '../../shared/api.ts';
import { jobRows } from '../db/jobs.ts';
import { modelExists, readingCount, readingCounts } from '../db/models.ts';
import type { Project } from '../project/project.ts';
import { getSetting, setSetting } from '../project/settings.ts';
import { isBaseModel } from './base-model.ts';
import { deleteVersion, getVersion, listVersions, renameVersion, type ModelVersion } from './registry.ts';

const CURRENT = 'currentModel';
/** Jobs in these states still need their model: they run, wait, or can be resumed. */
const NEEDING = ['queued', 'running', 'interrupted', 'cancelled'];

/** Labeled lines (or, for pretraining, all lines) a version learned from; null where unknown (imported). */
function trainingLines(set: unknown): { lines: number | null; pseudo: number | null } {
  if (Array.isArray(set)) return { lines: set.length, pseudo: null };
  const s = set as { labeled?: unknown[]; pseudoLabeled?: Array<{ lines: unknown[] }>; lines?: number } | null;
  if (s && Array.isArray(s.labeled)) return { lines: s.labeled.length, pseudo: s.pseudoLabeled?.at(-1)?.lines.length ?? 0 };
  if (s && typeof s.lines === 'number') return { lines: s.lines, pseudo: null };
  return { lines: null, pseudo: null };
}

/** Ids of the jobs that need this version (as the model they read with, or start from). */
export function jobsUsing(project: Project, modelId: number): number[] {
  return jobRows(project.db)
    .filter((j) => NEEDING.includes(j.state))
    .filter((j) => {
      const config = JSON.parse(j.config) as { modelId?: unknown; from?: unknown };
      return config.modelId === modelId || config.from === modelId;
    })
    .map((j) => j.id);
}

export function modelSummaries(project: Project): ModelSummary[] {
  const readings = readingCounts(project.db);
  return listVersions(project).map((v) => summary(project, v, readings.get(v.id) ?? 0));
}

export function modelSummary(project: Project, v: ModelVersion): ModelSummary {
  return summary(project, v, readingCount(project.db, v.id));
}

function summary(project: Project, v: ModelVersion, readings: number): ModelSummary {
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
    usedBy: jobsUsing(project, v.id),
    readings,
  };
}

export function renameModel(project: Project, id: number, name: string): ModelVersion {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('a model needs a name');
  return renameVersion(project, id, trimmed);
}

/** Deletes a version and its readings; refused for the base model and for one a job needs. */
export function deleteModel(project: Project, id: number): void {
  const version = getVersion(project, id);
  if (isBaseModel(version)) throw new Error(`model ${id} is the bundled base model, which cannot be deleted`);
  const jobs = jobsUsing(project, id);
  if (jobs.length)
    throw new Error(
      `model ${id} is used by job${jobs.length > 1 ? 's' : ''} ${jobs.join(', ')} (queued, running or resumable): it cannot be deleted`,
    );
  deleteVersion(project, id);
  if (getSetting<number>(project, CURRENT) === id) setSetting(project, CURRENT, undefined);
}

/** The version the project works with (reading, proofreading, export), if one is chosen and still there. */
export function currentModelId(project: Project): number | null {
  const id = getSetting<number>(project, CURRENT);
  return typeof id === 'number' && modelExists(project.db, id) ? id : null;
}

export function setCurrentModel(project: Project, id: number | null): void {
  if (id !== null) getVersion(project, id);
  setSetting(project, CURRENT, id ?? undefined);
}
