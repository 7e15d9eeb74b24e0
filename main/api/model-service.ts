// The service methods for model versions and per-project settings: the versions with what
// they learned from and who needs them (or as whole records), rename, delete (refused while
// a job needs one), export to and import from model files, the current model, and the
// Training panel's remembered choices.
import type { ProjectApi } from '../../shared/api.ts';
import type { TrainingChoices } from '../../shared/workbench-api.ts';
import { currentModelId, deleteModel, modelSummaries, modelSummary, renameModel, setCurrentModel } from '../models/model-admin.ts';
import { ensureBaseModel } from '../models/base-model.ts';
import { exportVersion, importVersion, listVersions } from '../models/registry.ts';
import type { Project } from '../project/project.ts';
import { getSetting, setSetting } from '../project/settings.ts';

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

export function modelMethods(project: Project): ModelMethods {
  return {
    async listModels() {
      return modelSummaries(project);
    },

    async addBaseModel() {
      return modelSummary(project, ensureBaseModel(project));
    },

    async listModelVersions() {
      return listVersions(project);
    },

    async exportModel({ modelId, file }) {
      exportVersion(project, modelId, file);
      return { ok: true as const };
    },

    async importModel({ file }) {
      return file === 'base' ? ensureBaseModel(project) : importVersion(project, file);
    },

    async renameModel({ modelId, name }) {
      renameModel(project, modelId, name);
      return { ok: true as const };
    },

    async deleteModel({ modelId }) {
      deleteModel(project, modelId);
      return { ok: true as const };
    },

    async setCurrentModel({ modelId }) {
      setCurrentModel(project, modelId);
      return { ok: true as const };
    },

    async projectSettings() {
      return { currentModelId: currentModelId(project), trainingChoices: getSetting<TrainingChoices>(project, CHOICES) ?? null };
    },

    async rememberTrainingChoices({ choices }) {
      setSetting(project, CHOICES, choices);
      return { ok: true as const };
    },
  };
}
