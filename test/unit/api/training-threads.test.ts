// The server, not the window, decides how many cores a training job (fine-tuning or SeqCLR
// pretraining) uses when the request leaves it out (a browser's navigator.hardwareConcurrency says nothing about the machine
// that trains); an explicit choice is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemas } from '../../../shared/api.ts';
import { createService } from '../../../main/api/service.ts';
import type { JobRunner } from '../../../main/jobs/runner.ts';
import type { TrainingRequest } from '../../../main/jobs/training-runs.ts';
import { defaultTrainingThreads } from '../../../main/ml/parallel.ts';
import { Project } from '../../../main/project/project.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';

test('training without threads gets the server default; an explicit count is kept', async () => {
  const started: TrainingRequest[] = [];
  const runner = { start: (r: TrainingRequest) => started.push(r) } as unknown as JobRunner;
  // Fine-tuning needs labeled lines in the train split, or it is refused before it starts.
  const api = createService(Project.open((await manyLinesProject(2, { pages: 1, labeled: 2 })).dir), () => {}, runner);
  await api.startTraining(schemas.startTraining.parse({ kind: 'finetune' }));
  await api.startTraining(schemas.startTraining.parse({ kind: 'finetune', threads: 1 }));
  await api.startTraining(schemas.startTraining.parse({ kind: 'pretrain' }));
  await api.startTraining(schemas.startTraining.parse({ kind: 'pretrain', threads: 1 }));
  assert.equal((started[0] as { threads: number }).threads, defaultTrainingThreads());
  assert.ok(defaultTrainingThreads() >= 1);
  assert.equal((started[1] as { threads: number }).threads, 1);
  assert.equal(started[2].kind, 'pretrain');
  assert.equal((started[2] as { threads: number }).threads, defaultTrainingThreads());
  assert.equal((started[3] as { threads: number }).threads, 1);
});
