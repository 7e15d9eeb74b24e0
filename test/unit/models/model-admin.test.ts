// Managing model versions from the workbench: what each learned from, renaming, deleting
// (never the base model, never one a job needs, its readings go with it), the project's
// current model, and the Training panel's remembered choices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService } from '../../../main/api/service.ts';
import { createJob } from '../../../main/jobs/jobs.ts';
import type { Project } from '../../../main/project/project.ts';
import { newProject } from '../../helpers/project.ts';
import { BASE_MODEL_FILE } from '../../../main/models/base-model.ts';
import { sha256File } from '../../../main/ml/checkpoint.ts';

/** The config a project's import of this Quire's bundled base model carries. */
const BUNDLED = { importedFrom: 'base.qmodel', bundledSha256: sha256File(BASE_MODEL_FILE) };

function addModel(project: Project, name: string, o: { config?: object; trainingSet?: unknown; parentId?: number } = {}): number {
  return Number(
    project.db
      .prepare(`INSERT INTO models (name, kind, parent_id, config, training_set, weights_hash) VALUES (?, 'finetune', ?, ?, ?, 'missing')`)
      .run(name, o.parentId ?? null, JSON.stringify(o.config ?? {}), JSON.stringify(o.trainingSet ?? null)).lastInsertRowid,
  );
}

test('versions show what they learned from, whether they are the base model, and who needs them', async () => {
  const project = newProject();
  const api = createService(project);
  const base = addModel(project, 'Quire base model', { config: BUNDLED });
  const tuned = addModel(project, 'fine-tuned from model 1', {
    parentId: base,
    trainingSet: [
      [1, 1],
      [2, 2],
      [3, 3],
    ],
  });
  const semi = addModel(project, 'semi', {
    trainingSet: {
      labeled: [[1, 1]],
      pseudoLabeled: [
        { round: 1, lines: [[5, 'a', 0.9]] },
        {
          round: 2,
          lines: [
            [5, 'a', 0.9],
            [6, 'b', 0.95],
          ],
        },
      ],
    },
  });
  const pretrained = addModel(project, 'SeqCLR', { trainingSet: { lines: 40 } });
  const job = createJob(project, 'transcribe', { modelId: tuned }, 'queued');
  const models = await api.listModels({});
  assert.deepEqual(
    models.map((m) => [m.id, m.trainingLines, m.pseudoLines, m.base, m.usedBy]),
    [
      [base, null, null, true, []],
      [tuned, 3, null, false, [job.id]],
      [semi, 1, 2, false, []],
      [pretrained, 40, null, false, []],
    ],
  );
  assert.match(models[0].createdAt, /^\d{4}-\d\d-\d\dT/);
});

test('rename; delete is refused for the base model and for a model a job needs; a deleted current model is current no more', async () => {
  const project = newProject();
  const api = createService(project);
  const base = addModel(project, 'base', { config: BUNDLED });
  const used = addModel(project, 'used');
  const free = addModel(project, 'free', { parentId: used });
  createJob(project, 'finetune', { from: used }, 'cancelled');
  await api.renameModel({ modelId: free, name: '  Hale accounts, 1743  ' });
  assert.equal((await api.listModels({})).find((m) => m.id === free)?.name, 'Hale accounts, 1743');
  await assert.rejects(api.renameModel({ modelId: free, name: '   ' }), /needs a name/);
  await assert.rejects(api.deleteModel({ modelId: base }), /bundled base model, which cannot be deleted/);
  await assert.rejects(api.deleteModel({ modelId: used }), /used by job 1 \(queued, running or resumable\)/);
  await api.setCurrentModel({ modelId: free });
  assert.equal((await api.projectSettings({})).currentModelId, free);
  await api.deleteModel({ modelId: free });
  assert.deepEqual(
    (await api.listModels({})).map((m) => m.id),
    [base, used],
  );
  assert.equal((await api.projectSettings({})).currentModelId, null, 'a deleted current model is no longer current');
  await assert.rejects(api.setCurrentModel({ modelId: free }), /no model version/);
});

test('the Training panel choices and the current model are kept with the project', async () => {
  const project = newProject();
  const m = addModel(project, 'm');
  const api = createService(project);
  assert.deepEqual(await api.projectSettings({}), { currentModelId: null, trainingChoices: null });
  await api.rememberTrainingChoices({ choices: { kind: 'transcribe', steps: 500, semiSupervised: false, from: null } });
  await api.setCurrentModel({ modelId: m });
  // Another service on the same project (a restart) finds them.
  assert.deepEqual(await createService(project).projectSettings({}), {
    currentModelId: m,
    trainingChoices: { kind: 'transcribe', steps: 500, semiSupervised: false, from: null },
  });
  await api.setCurrentModel({ modelId: null });
  assert.equal((await api.projectSettings({})).currentModelId, null);
});

test("a project's base model from an older Quire is an ordinary version: the bundled one is offered again and the old one can go", async () => {
  const project = newProject();
  const api = createService(project);
  const old = addModel(project, 'Quire base model (generated handwriting)', {
    config: { importedFrom: 'base.qmodel', bundledSha256: 'f'.repeat(64) },
  });
  assert.equal((await api.listModels({})).find((m) => m.id === old)?.base, false);
  const current = await api.addBaseModel({});
  assert.notEqual(current.id, old);
  assert.equal(current.base, true);
  assert.equal((await api.addBaseModel({})).id, current.id, 'imported once');
  await api.deleteModel({ modelId: old });
  await assert.rejects(api.deleteModel({ modelId: current.id }), /bundled base model, which cannot be deleted/);
  project.close();
});

test('a failed job can be resumed, so the model it starts from or reads with cannot be deleted', async () => {
  const project = newProject();
  const api = createService(project);
  const from = addModel(project, 'from');
  const reads = addModel(project, 'reads');
  const failedTraining = createJob(project, 'finetune', { from }, 'failed');
  const failedReading = createJob(project, 'transcribe', { modelId: reads }, 'failed');
  await assert.rejects(api.deleteModel({ modelId: from }), new RegExp(`used by job ${failedTraining.id} `));
  await assert.rejects(api.deleteModel({ modelId: reads }), new RegExp(`used by job ${failedReading.id} `));
  assert.equal((await api.listModels({})).length, 2);
});
