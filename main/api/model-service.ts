// The service methods for model versions and per-project settings: the versions with what
// they learned from and who needs them (or as whole records), rename, delete (refused while
// a job needs one), export to and import from model files, the current model, and the
// Training panel's remembered choices. Store-neutral programs run by `run`: on a project
// folder's database, or on a team server's PostgreSQL store with the model files in its
// shared folder (`root`), where exporting and importing a file (the owner's) are not served.
import type { ProjectApi } from '../../shared/api.ts';
import type { TrainingChoices } from '../../shared/workbench-api.ts';
import type { Runner } from '../db/ops.ts';
import { settings } from '../db/settings.ts';
import { modelAdmin } from '../models/model-admin.ts';
import { ensureBaseModelOp } from '../models/base-model.ts';
import { exportVersion, importVersion, registry, removeWeights } from '../models/registry.ts';
import type { Project } from '../project/project.ts';

type ModelMethods = Pick<
  ProjectApi,
  | 'listModels'
  | 'addBaseModel'
  | 'renameModel'
  | 'deleteModel'
  | 'setCurrentModel'
  | 'projectSettings'
  | 'rememberTrainingChoices'
  | 'listModelVersions'
  | 'exportModel'
  | 'importModel'
>;

const CHOICES = 'trainingChoices';

/** Where the models live: `run` on the project's store, `root` the folder holding models/, `project` the folder's project where there is one. */
export interface ModelStore {
  run: Runner;
  root: string;
  project?: Project;
}

export function modelMethods({ run, root, project }: ModelStore): ModelMethods {
  const folder = (method: string) => {
    if (!project) throw new Error(`${method} needs a project folder`);
    return project;
  };
  return {
    async listModels() {
      return run(modelAdmin.summaries());
    },

    async addBaseModel() {
      return run(modelAdmin.summary(await run(ensureBaseModelOp(root))));
    },

    async listModelVersions() {
      return run(registry.versions());
    },

    async exportModel({ modelId, file }) {
      exportVersion(folder('exportModel'), modelId, file);
      return { ok: true as const };
    },

    async importModel({ file }) {
      return file === 'base' ? run(ensureBaseModelOp(root)) : importVersion(folder('importModel'), file);
    },

    async renameModel({ modelId, name }) {
      await run(modelAdmin.renameModel(modelId, name));
      return { ok: true as const };
    },

    async deleteModel({ modelId }) {
      // The weights go once the deletion is committed.
      removeWeights(root, await run(modelAdmin.deleteModel(modelId)));
      return { ok: true as const };
    },

    async setCurrentModel({ modelId }) {
      await run(modelAdmin.setCurrentModel(modelId));
      return { ok: true as const };
    },

    async projectSettings() {
      return {
        currentModelId: await run(modelAdmin.currentModelId()),
        trainingChoices: (await run(settings.getSetting<TrainingChoices>(CHOICES))) ?? null,
      };
    },

    async rememberTrainingChoices({ choices }) {
      await run(settings.setSetting(CHOICES, choices));
      return { ok: true as const };
    },
  };
}
