// Job listings show what the runner knows before the job rows do: the job it runs is
// running (its worker has not yet written so), a job waiting to be resumed is queued (its
// row still says cancelled), and each queued job says what it waits for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../../../main/jobs/jobs.ts';
import { withLiveStates } from '../../../main/jobs/live-jobs.ts';

const job = (id: number, kind: Job['kind'], state: Job['state']): Job => ({
  id,
  kind,
  state,
  config: {},
  progress: {},
  log: '',
  error: null,
  modelId: null,
  createdAt: '',
  updatedAt: '',
});

test('the running job and the waiting ones read live, with why they wait', () => {
  const rows = [job(1, 'finetune', 'done'), job(2, 'finetune', 'queued'), job(3, 'transcribe', 'cancelled'), job(4, 'evaluate', 'queued')];
  const live = withLiveStates(rows, { running: 2, waiting: [3, 4] });
  assert.deepEqual(
    live.map((j) => [j.id, j.state, j.waiting]),
    [
      [1, 'done', null],
      [2, 'running', null],
      [3, 'queued', 'waits for job 2 (fine-tuning) to finish; one job runs at a time'],
      [4, 'queued', 'waits for job 2 (fine-tuning) to finish, then job 3; one job runs at a time'],
    ],
  );
});

test('rows alone are shown as they are once the runner has let go of a job', () => {
  const rows = [job(1, 'finetune', 'cancelled'), job(2, 'transcribe', 'queued')];
  const live = withLiveStates(rows, { running: undefined, waiting: [] });
  assert.deepEqual(
    live.map((j) => [j.state, j.waiting]),
    [
      ['cancelled', null],
      ['queued', 'waits for the app to start it (open the project in Quire)'],
    ],
  );
});
