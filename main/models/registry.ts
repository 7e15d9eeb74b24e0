// Model versions of a project: weights files under <project>/models named by their
// sha256, and a row per version with its kind, parent, config, metrics, training set,
// backend and duration. A weights file is removed only when no version refers to it.
// Written once as store-neutral programs (main/db/ops.ts, `registry`) with the folder that
// holds `models/` (a project's, or a team server's shared --files folder), run on a project
// folder by the functions of a Project below and on the server store by the team server.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Codec } from '../ml/codec.ts';
import { loadModel, modelFileBytes, saveModel, sha256File } from '../ml/checkpoint.ts';
import { fsyncDir, writeFileAtomic } from '../fs/atomic.ts';
import type { Recognizer } from '../ml/model.ts';
import { perform } from '../db/execute.ts';
import { models, type StoredModel } from '../db/models.ts';
import { step, type Program } from '../db/ops.ts';
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

const weightsPath = (root: string, hash: string) => join(root, 'models', `${hash}.qmodel`);

/**
 * Writes the weights under `root`/models, named by their hash, in one atomic write (a
 * temporary name removeStaleTemps recognises, fsync, rename, the folder synced: the row
 * committed afterwards never outlives its file); answers the hash and whether the file was
 * written now (false: another version already has these weights).
 */
export function writeWeights(
  root: string,
  model: Recognizer,
  codec: Codec,
  metrics: Record<string, unknown>,
): { hash: string; written: boolean } {
  const dir = join(root, 'models');
  if (mkdirSync(dir, { recursive: true }) !== undefined) fsyncDir(root);
  const { chunks, hash } = modelFileBytes(model, codec, metrics);
  const target = weightsPath(root, hash);
  if (existsSync(target)) return { hash, written: false };
  writeFileAtomic(target, chunks);
  return { hash, written: true };
}

function* saveVersionOp(root: string, model: Recognizer, codec: Codec, v: NewVersion): Program<ModelVersion> {
  const weights = writeWeights(root, model, codec, v.metrics);
  try {
    return yield* saveWrittenVersionOp(weights.hash, v);
  } catch (error) {
    if (weights.written) rmSync(weightsPath(root, weights.hash), { force: true });
    throw error;
  }
}

/**
 * Records a version whose weights writeWeights wrote already: a caller whose save reads and
 * decides in a transaction writes the file before it, so that the transaction holds no lock
 * across a long write.
 */
function* saveWrittenVersionOp(hash: string, v: NewVersion): Program<ModelVersion> {
  const id = yield* step(
    models.insertModel({
      name: v.name,
      kind: v.kind,
      parentId: v.parentId,
      config: JSON.stringify(v.config),
      metrics: JSON.stringify(v.metrics),
      trainingSet: JSON.stringify(v.trainingSet),
      weightsHash: hash,
      backend: v.backend,
      durationS: v.durationS,
    }),
  );
  return yield* versionOp(id);
}

const fromRow = (r: StoredModel): ModelVersion => ({
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

function* versionOp(id: number): Program<ModelVersion> {
  const row = yield* step(models.modelRow(id));
  if (!row) throw new Error(`no model version ${id} in this project`);
  return fromRow(row);
}

function* versionsOp(): Program<ModelVersion[]> {
  return (yield* step(models.modelRows())).map(fromRow);
}

function* renameVersionOp(id: number, name: string): Program<ModelVersion> {
  yield* versionOp(id);
  yield* step(models.setModelName(id, name));
  return yield* versionOp(id);
}

function* updateModelMetricsOp(id: number, metrics: Record<string, unknown>): Program<ModelVersion> {
  const version = yield* versionOp(id);
  yield* step(models.setModelMetrics(id, JSON.stringify({ ...version.metrics, ...metrics })));
  return yield* versionOp(id);
}

/**
 * Deletes a version; answers the hash of its weights when no other version refers to them:
 * the caller removes that file once the deletion is committed (removed before, a rolled-back
 * deletion would keep a version without weights).
 */
function* deleteVersionOp(id: number): Program<string | null> {
  const version = yield* versionOp(id);
  yield* step(models.deleteModel(id));
  return (yield* step(models.weightsInUse(version.weightsHash))) ? null : version.weightsHash;
}

/** Removes the weights file a deletion left unused (deleteVersionOp's answer). */
export function removeWeights(root: string, hash: string | null): void {
  if (hash) rmSync(weightsPath(root, hash), { force: true });
}

/**
 * Imports a model file into the project as a new version. The file must be a Quire model
 * (format, sizes and charset are checked on loading); it is copied into the models folder
 * under `root` under its own hash, never anywhere else.
 */
function* importVersionOp(root: string, file: string, name?: string, extraConfig: Record<string, unknown> = {}): Program<ModelVersion> {
  const saved = loadModel(file);
  try {
    const meta = saved.header.metrics as { name?: string; kind?: ModelVersion['kind']; config?: Record<string, unknown> };
    const { name: _n, kind: _k, config: _c, backend, durationS, ...metrics } = saved.header.metrics as Record<string, unknown>;
    // A file exported from a project's copy of the bundled base model names it (bundledSha256);
    // imported, it is the person's own copy (deletable): only ensureBaseModel marks one as the base.
    const { bundledSha256: _b, ...config } = meta.config ?? {};
    return yield* saveVersionOp(root, saved.model, saved.codec, {
      name: name ?? meta.name ?? `imported from ${file.split('/').pop()}`,
      kind: meta.kind === 'pretrain' ? 'pretrain' : 'finetune',
      parentId: null,
      config: { ...config, network: saved.model.config, importedFrom: file.split('/').pop(), ...extraConfig },
      metrics,
      trainingSet: null,
      backend: typeof backend === 'string' ? backend : 'unknown',
      durationS: typeof durationS === 'number' && Number.isFinite(durationS) ? durationS : 0,
    });
  } finally {
    saved.model.dispose();
  }
}

/** The model versions' programs, for either store. */
export const registry = {
  saveVersion: saveVersionOp,
  saveWrittenVersion: saveWrittenVersionOp,
  version: versionOp,
  versions: versionsOp,
  renameVersion: renameVersionOp,
  updateModelMetrics: updateModelMetricsOp,
  deleteVersion: deleteVersionOp,
  importVersion: importVersionOp,
};

export const saveVersion = (project: Project, model: Recognizer, codec: Codec, v: NewVersion): ModelVersion =>
  perform(project.db, saveVersionOp(project.root, model, codec, v));

export const getVersion = (project: Project, id: number): ModelVersion => perform(project.db, versionOp(id));

export const listVersions = (project: Project): ModelVersion[] => perform(project.db, versionsOp());

/** Loads a version's network, checking that the file is the one the database recorded. */
export const loadVersion = (project: Project, id: number) => loadWeights(project.root, getVersion(project, id));

/** The network of a version read from either store, its weights under `root`/models, checked against its recorded hash. */
export function loadWeights(root: string, version: ModelVersion) {
  const file = weightsPath(root, version.weightsHash);
  if (!existsSync(file)) throw new Error(`weights of model ${version.id} are missing (${file})`);
  if (sha256File(file) !== version.weightsHash)
    throw new Error(`weights of model ${version.id} are damaged: ${file} does not match its recorded hash`);
  return { version, ...loadModel(file) };
}

export const renameVersion = (project: Project, id: number, name: string): ModelVersion => perform(project.db, renameVersionOp(id, name));

/** Adds measurements (e.g. test-split CER) to a version's metrics. */
export const updateModelMetrics = (project: Project, id: number, metrics: Record<string, unknown>): ModelVersion =>
  perform(project.db, updateModelMetricsOp(id, metrics));

/** Deletes a version; its weights file goes only when no other version refers to it. */
export const deleteVersion = (project: Project, id: number): void => removeWeights(project.root, perform(project.db, deleteVersionOp(id)));

/** Writes a version as one self-contained model file (network, charset, config, metrics). */
export function exportVersion(project: Project, id: number, file: string): void {
  const { version, model, codec } = loadVersion(project, id);
  saveModel(file, model, codec, {
    ...version.metrics,
    name: version.name,
    kind: version.kind,
    config: version.config,
    // Where and how long it trained, for the project that imports it.
    backend: version.backend,
    durationS: version.durationS,
  });
  model.dispose();
}

export const importVersion = (project: Project, file: string, name?: string, extraConfig: Record<string, unknown> = {}): ModelVersion =>
  perform(project.db, importVersionOp(project.root, file, name, extraConfig));
