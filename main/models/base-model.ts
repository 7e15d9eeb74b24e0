// The recognizer that ships with Quire (resources/models/base.qmodel) and how a project's
// version of it is recognized: by the sha256 of the bundled file, recorded when it is
// imported. A newer Quire with a newer bundled model therefore offers it again (the old
// import stays, as an ordinary version), and the rule lives here only.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { perform } from '../db/execute.ts';
import type { Program } from '../db/ops.ts';
import { sha256File } from '../ml/checkpoint.ts';
import type { Project } from '../project/project.ts';
import { registry, type ModelVersion } from './registry.ts';

export const BASE_MODEL_FILE = fileURLToPath(new URL('../../resources/models/base.qmodel', import.meta.url));
export const BASE_MODEL_NAME = 'Quire base model (real manuscripts)';

let bundledHash: string | null | undefined;
/** The bundled file's sha256, read once per process; null where the file is missing. */
function bundledSha256(): string | null {
  if (bundledHash === undefined) bundledHash = existsSync(BASE_MODEL_FILE) ? sha256File(BASE_MODEL_FILE) : null;
  return bundledHash;
}

/** Whether a version is this Quire's bundled base model (it cannot be deleted). */
export function isBaseModel(version: ModelVersion): boolean {
  const hash = (version.config as { bundledSha256?: unknown }).bundledSha256;
  return typeof hash === 'string' && hash === bundledSha256();
}

/**
 * The project's version of the bundled base model, imported on first use into the models
 * folder under `root`: a store-neutral program (main/db/ops.ts), for either store.
 */
export function* ensureBaseModelOp(root: string): Program<ModelVersion> {
  const hash = bundledSha256();
  if (!hash) throw new Error(`the bundled base model is missing (${BASE_MODEL_FILE})`);
  const existing = (yield* registry.versions()).find(isBaseModel);
  if (existing) return existing;
  return yield* registry.importVersion(root, BASE_MODEL_FILE, BASE_MODEL_NAME, { bundledSha256: hash });
}

export const ensureBaseModel = (project: Project): ModelVersion => perform(project.db, ensureBaseModelOp(project.root));
