// Model versions of a project: weights files under <project>/models named by their
// sha256, and a row per version with its kind, parent, config, metrics, training set,
// backend and duration. A weights file is removed only when no version refers to it.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Codec } from '../ml/codec.ts';
import { loadModel, saveModel, sha256File } from '../ml/checkpoint.ts';
import type { Recognizer } from '../ml/model.ts';
import { deleteModel, insertModel, modelRow, modelRows, setModelMetrics, setModelName, weightsInUse } from '../db/models.ts';
import type { Project } from '../project/project.ts';
import type { ModelRecord } from '../../shared/records-api.ts';

/** A version's row, as the API's listModelVersions answers it. */
export type ModelVersion = ModelRecord;

export interface NewVersion {
  name: string;
  kind: ModelVersion['kind'];
  parentId: number | null;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  trainingSet: unknown;
  backend: string;
  durationS: number;
}

const weightsPath = (project: Project, hash: string) => join(project.root, 'models', `${hash}.qmodel`);

export function saveVersion(project: Project, model: Recognizer, codec: Codec, v: NewVersion): ModelVersion {
  mkdirSync(join(project.root, 'models'), { recursive: true });
  const tmp = join(project.root, 'models', `incoming-${process.pid}-${Date.now()}.qmodel`);
  const hash = saveModel(tmp, model, codec, v.metrics);
  const target = weightsPath(project, hash);
  if (existsSync(target)) rmSync(tmp);
  else renameSync(tmp, target);
  const id = insertModel(project.db, {
    name: v.name,
    kind: v.kind,
    parentId: v.parentId,
    config: JSON.stringify(v.config),
    metrics: JSON.stringify(v.metrics),
    trainingSet: JSON.stringify(v.trainingSet),
    weightsHash: hash,
    backend: v.backend,
    durationS: v.durationS,
  });
  return getVersion(project, id);
}

const fromRow = (r: NonNullable<ReturnType<typeof modelRow>>): ModelVersion => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  parentId: r.parent_id,
  config: JSON.parse(r.config),
  metrics: JSON.parse(r.metrics),
  trainingSet: JSON.parse(r.training_set),
  weightsHash: r.weights_hash,
  backend: r.backend,
  durationS: r.duration_s,
  createdAt: r.created_at,
});

export function getVersion(project: Project, id: number): ModelVersion {
  const row = modelRow(project.db, id);
  if (!row) throw new Error(`no model version ${id} in this project`);
  return fromRow(row);
}

export function listVersions(project: Project): ModelVersion[] {
  return modelRows(project.db).map(fromRow);
}

/** Loads a version's network, checking that the file is the one the database recorded. */
export function loadVersion(project: Project, id: number) {
  const version = getVersion(project, id);
  const file = weightsPath(project, version.weightsHash);
  if (!existsSync(file)) throw new Error(`weights of model ${id} are missing (${file})`);
  if (sha256File(file) !== version.weightsHash)
    throw new Error(`weights of model ${id} are damaged: ${file} does not match its recorded hash`);
  return { version, ...loadModel(file) };
}

export function renameVersion(project: Project, id: number, name: string): ModelVersion {
  getVersion(project, id);
  setModelName(project.db, id, name);
  return getVersion(project, id);
}

/** Adds measurements (e.g. test-split CER) to a version's metrics. */
export function updateModelMetrics(project: Project, id: number, metrics: Record<string, unknown>): ModelVersion {
  const version = getVersion(project, id);
  setModelMetrics(project.db, id, JSON.stringify({ ...version.metrics, ...metrics }));
  return getVersion(project, id);
}

/** Deletes a version; its weights file goes only when no other version refers to it. */
export function deleteVersion(project: Project, id: number): void {
  const version = getVersion(project, id);
  deleteModel(project.db, id);
  if (!weightsInUse(project.db, version.weightsHash)) rmSync(weightsPath(project, version.weightsHash), { force: true });
}

/** Writes a version as one self-contained model file (network, charset, config, metrics). */
export function exportVersion(project: Project, id: number, file: string): void {
  const { version, model, codec } = loadVersion(project, id);
  saveModel(file, model, codec, { ...version.metrics, name: version.name, kind: version.kind, config: version.config });
  model.dispose();
}

/**
 * Imports a model file into the project as a new version. The file must be a Quire model
 * (format, sizes and charset are checked on loading); it is copied into the project's
 * models folder under its own hash, never anywhere else.
 */
export function importVersion(project: Project, file: string, name?: string, extraConfig: Record<string, unknown> = {}): ModelVersion {
  const saved = loadModel(file);
  const meta = saved.header.metrics as { name?: string; kind?: ModelVersion['kind']; config?: Record<string, unknown> };
  const { name: _n, kind: _k, config: _c, ...metrics } = saved.header.metrics as Record<string, unknown>;
  const version = saveVersion(project, saved.model, saved.codec, {
    name: name ?? meta.name ?? `imported from ${file.split('/').pop()}`,
    kind: meta.kind === 'pretrain' ? 'pretrain' : 'finetune',
    parentId: null,
    config: { ...(meta.config ?? {}), network: saved.model.config, importedFrom: file.split('/').pop(), ...extraConfig },
    metrics,
    trainingSet: null,
    backend: String(metrics.backend ?? 'unknown'),
    durationS: 0,
  });
  saved.model.dispose();
  return version;
}
