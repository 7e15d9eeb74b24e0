// A job request that could only fail is refused when it is made, with the reason, and
// leaves no job row (a failed job, resumable to fail again) and no other trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemas } from '../../../shared/api.ts';
import { createService } from '../../../main/api/service.ts';
import type { JobRunner } from '../../../main/jobs/runner.ts';
import { Project } from '../../../main/project/project.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';

test('transcription, evaluation and training with a missing model or no labeled lines are refused before any job is made', async () => {
  const made = await manyLinesProject(4, { pages: 1, labeled: 0 });
  const project = Project.open(made.dir);
  const started: unknown[] = [];
  const runner = { start: (r: unknown) => started.push(r) && started.length, live: () => ({ waiting: [] }) } as unknown as JobRunner;
  const api = createService(project, () => {}, runner);
  try {
    await assert.rejects(api.startTranscription(schemas.startTranscription.parse({ modelId: 99 })), /no model version 99 in this project/);
    await assert.rejects(api.startEvaluation(schemas.startEvaluation.parse({ modelId: 99 })), /no model version 99/);
    await assert.rejects(
      api.startEvaluation(schemas.startEvaluation.parse({ modelId: made.modelId, split: 'test' })),
      /no labeled lines in the test split: to evaluate on/,
    );
    await assert.rejects(api.startTraining(schemas.startTraining.parse({ kind: 'finetune', from: 99 })), /no model version 99/);
    await assert.rejects(
      api.startTraining(schemas.startTraining.parse({ kind: 'finetune', freezeEncoder: true })),
      /--freeze-encoder needs --from MODEL_ID/,
    );
    await assert.rejects(
      api.startTraining(schemas.startTraining.parse({ kind: 'finetune', from: made.modelId })),
      /no labeled lines in the train split: transcribe some lines first/,
    );
    // Naming the bundled base model: refused as any other, and the model is not added.
    const models = (await api.listModels({})).length;
    await assert.rejects(
      api.startTraining(schemas.startTraining.parse({ kind: 'finetune', from: 'base' })),
      /no labeled lines in the train split/,
    );
    await assert.rejects(api.startEvaluation(schemas.startEvaluation.parse({ modelId: 'base' })), /no labeled lines in the test split/);
    assert.equal((await api.listModels({})).length, models);
    assert.deepEqual(started, []);
    assert.deepEqual(await api.listJobs({}), []);
    // A request that can run is passed on; 'base' reaches the runner as the version it was added as.
    await api.startTranscription(schemas.startTranscription.parse({ modelId: made.modelId }));
    await api.startTranscription(schemas.startTranscription.parse({ modelId: 'base' }));
    const base = (await api.listModels({})).find((m) => m.base)!;
    assert.deepEqual(
      started.map((r) => (r as { modelId: unknown }).modelId),
      [made.modelId, base.id],
    );
  } finally {
    project.close();
  }
});
