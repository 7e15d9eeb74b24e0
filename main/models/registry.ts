// Model versions of a project: weights files under <project>/models named by their
// sha256, and a row per version with its kind, parent, config, metrics, training set,
// backend and duration. A weights file is removed only when no version refers to it.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Codec } from '../ml/codec.ts';
import { loadModel, saveModel, sha256File } from '../ml/checkpoint.ts';
import type { Recognizer } from '../ml/model.ts';
import type { Project } from '../project/project.ts';

export interface ModelVersion {
  id: number;
  name: string;
  kind: 'pretrain' | 'finetune';
  parentId: number | null;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  trainingSet: unknown;
  weightsHash: string;
  backend: string | null;
  durationS: number | null;
  createdAt: string;
}

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
  const id = Number(project.db.prepare(`INSERT INTO models (name, kind, parent_id, config, metrics, training_set, weights_hash, backend, duration_s)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(v.name, v.kind, v.parentId, JSON.stringify(v.config), JSON.stringify(v.metrics),
    JSON.stringify(v.trainingSet), hash, v.backend, v.durationS).lastInsertRowid);
  return getVersion(project, id);
}

interface Row { id: number; name: string; kind: ModelVersion['kind']; parent_id: number | null; config: string; metrics: string; training_set: string; weights_hash: string; backend: string | null; duration_s: number | null; created_at: string }

const fromRow = (r: Row): ModelVersion => ({
  id: r.id, name: r.name, kind: r.kind, parentId: r.parent_id, config: JSON.parse(r.config), metrics: JSON.parse(r.metrics),
  trainingSet: JSON.parse(r.training_set), weightsHash: r.weights_hash, backend: r.backend, durationS: r.duration_s, createdAt: r.created_at,
});

export function getVersion(project: Project, id: number): ModelVersion {
  const row = project.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw new Error(`no model version ${id} in this project`);
  return fromRow(row);
}

export function listVersions(project: Project): ModelVersion[] {
  return (project.db.prepare('SELECT * FROM models ORDER BY id').all() as Row[]).map(fromRow);
}

/** Loads a version's network, checking that the file is the one the database recorded. */
export function loadVersion(project: Project, id: number) {
  const version = getVersion(project, id);
  const file = weightsPath(project, version.weightsHash);
  if (!existsSync(file)) throw new Error(`weights of model ${id} are missing (${file})`);
  if (sha256File(file) !== version.weightsHash) throw new Error(`weights of model ${id} are damaged: ${file} does not match its recorded hash`);
  return { version, ...loadModel(file) };
}
