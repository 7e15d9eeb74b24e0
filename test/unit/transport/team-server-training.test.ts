// `quire serve --database URL --files DIR --redis URL`: training on a team server's PostgreSQL
// store is a queue job of one task, trained by a `quire worker` given the store. A reviewer
// starts it (a transcriber may not); with no worker it waits in the queue and cancel takes it
// off; resumed, a worker trains it from the store's lines, its steps reach the window, and it
// ends in a model version in the store, its weights in the shared folder's models/. A worker
// killed with SIGKILL mid-training: the stalled task goes to a second worker, which resumes
// from the checkpoint in the shared folder rather than from the start. Semi-supervised: the
// machine's readings it trains on are recorded with the version, never as transcriptions.
// A tiny model and a few steps; real PostgreSQL and Redis from the Debian packages, skipped,
// saying why, without them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { QuireEvent } from '../../../shared/api.ts';
import { loadTrainingCheckpoint } from '../../../main/ml/checkpoint.ts';
import { labeledLines } from '../../../main/project/dataset.ts';
import { Project } from '../../../main/project/project.ts';
import { stopAll } from '../../helpers/cli-process.ts';
import { lineProject } from '../../helpers/line-project.ts';
import { apiCall, signIn, windowEvents } from '../../helpers/team-client.ts';
import { teamQueue, type ServedTeam } from '../../helpers/team-queue.ts';
import { saveTinyVersion } from '../../helpers/tiny-model.ts';

const { skip, queue, serve, worker, untilWaiting } = await teamQueue();
let team: ServedTeam;
let base: string;
let files: string;
let tinyId: number;

before(async () => {
  if (skip) return;
  const dir = await lineProject(24, 16);
  const project = Project.open(dir);
  try {
    assert.ok(labeledLines(project, ['train']).length > 0, 'some labeled lines in the train split');
    tinyId = (await saveTinyVersion(project)).id;
  } finally {
    project.close();
  }
  team = await serve(
    dir,
    { ada: 'admin', rev: 'reviewer', tom: 'transcriber' },
    { chunkSize: 50, attempts: 3, backoffMs: 200, pollMs: 500 },
  );
  ({ base, files } = team);
});
const call = (method: string, body: unknown, cookie: string) => apiCall(base, method, body, cookie);
const rows = async <R>(text: string, values: unknown[] = []) => (await team.store.query(text, values)).rows as R[];
const startWorker = () => worker(team);
const finetune = (steps: number, extra: Record<string, unknown> = {}) => ({
  kind: 'finetune',
  from: tinyId,
  steps,
  batchSize: 4,
  seed: 1,
  threads: 1,
  checkpointEvery: 2,
  ...extra,
});
const checkpointOf = (jobId: number) => join(files, 'checkpoints', `job-${jobId}.qmodel`);
type Progress = Extract<QuireEvent, { type: 'job-progress' }>;

test(
  'a reviewer starts training (a transcriber may not); cancelled while waiting, then resumed, a worker trains it to a model version in the store',
  { skip },
  async () => {
    const refused = await call('startTraining', finetune(6), await signIn(base, 'tom'));
    assert.deepEqual([refused.status, refused.body.name], [403, 'Forbidden']);
    const rev = await signIn(base, 'rev');
    const heard = await windowEvents(team.app.server.port, rev);
    try {
      const started = await call('startTraining', finetune(6), rev);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const { jobId } = started.body;
      await untilWaiting(1, 'the training task');
      assert.equal(await queue.getWaitingCount(), 1, 'one task, not parts');
      assert.equal((await call('cancelJob', { jobId }, rev)).status, 200);
      assert.equal(((await heard.ended(jobId)) as { state: string }).state, 'cancelled');
      assert.equal(await queue.getWaitingCount(), 0, 'the waiting task left the queue');

      const worker = startWorker();
      await worker.waitFor(/takes tasks/);
      heard.events.length = 0;
      assert.equal((await call('resumeJob', { jobId }, rev)).status, 200);
      const end = await heard.ended(jobId);
      assert.equal((end as { state: string }).state, 'done', JSON.stringify(end));
      const modelId = (end as { modelId: number }).modelId;
      const steps = heard.events.filter((e): e is Progress => e.type === 'job-progress' && e.progress.jobId === jobId);
      assert.ok(steps.length > 0, 'the steps reached the window');
      assert.deepEqual([steps.at(-1)!.progress.phase, steps.at(-1)!.progress.step, steps.at(-1)!.progress.steps], ['train', 6, 6]);
      const [version] = await rows<{ kind: string; parent_id: number; weights_hash: string; metrics: string }>(
        'SELECT kind, parent_id, weights_hash, metrics FROM models WHERE id = $1',
        [modelId],
      );
      assert.deepEqual([version.kind, version.parent_id, JSON.parse(version.metrics).steps], ['finetune', tinyId, 6]);
      assert.ok(existsSync(join(files, 'models', `${version.weights_hash}.qmodel`)), 'its weights are in the shared folder');
      assert.ok(!existsSync(checkpointOf(jobId)), 'the checkpoint is removed once the version is saved');
      const [row] = await rows<{ state: string; model_id: number; log: string }>('SELECT state, model_id, log FROM jobs WHERE id = $1', [
        jobId,
      ]);
      assert.deepEqual([row.state, row.model_id], ['done', modelId]);
      assert.match(row.log, /resumed on the queue: its worker continues from the checkpoint/);
      assert.match(row.log, /trained on 1 worker\(s\): model version \d+/);
      assert.match(worker.output(), new RegExp(`training job ${jobId} .*: model version ${modelId} saved after 6 steps`));
    } finally {
      heard.close();
      await stopAll();
    }
  },
);

test('a worker killed with SIGKILL mid-training: a second worker resumes from the checkpoint, not from the start', { skip }, async () => {
  const STEPS = 80;
  const versionCount = async () => (await rows<{ n: number }>('SELECT count(*)::int AS n FROM models'))[0].n;
  const versionsBefore = await versionCount();
  const rev = await signIn(base, 'rev');
  const heard = await windowEvents(team.app.server.port, rev);
  try {
    const first = startWorker();
    await first.waitFor(/takes tasks/);
    const { jobId } = (await call('startTraining', finetune(STEPS), rev)).body;
    const deadline = Date.now() + 60_000;
    // A checkpoint past the first steps: the run is well under way.
    while (!existsSync(checkpointOf(jobId)) || loadTrainingCheckpoint(checkpointOf(jobId)).state.step < 6) {
      assert.ok(Date.now() < deadline, `no checkpoint within 60 s:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const { state } = loadTrainingCheckpoint(checkpointOf(jobId));
    assert.ok(state.step > 0 && state.step < STEPS, `killed midway (checkpoint at step ${state.step} of ${STEPS})`);

    const second = startWorker();
    const end = await heard.ended(jobId);
    assert.equal((end as { state: string }).state, 'done', JSON.stringify(end));
    const [resumedAt] = (await second.waitFor(/resumed from the checkpoint at step (\d+)/)).slice(1).map(Number);
    assert.ok(
      resumedAt >= state.step,
      `the second worker resumed at step ${resumedAt}, from the checkpoint (step ${state.step} when the first was killed)`,
    );
    assert.match(second.output(), new RegExp(`training job ${jobId} .*\\(attempt \\d\\)`));
    const [row] = await rows<{ log: string; model_id: number }>('SELECT log, model_id FROM jobs WHERE id = $1', [jobId]);
    assert.match(row.log, new RegExp(`resumed at step ${resumedAt} \\(its checkpoint\\)`));
    assert.match(row.log, /stalled/);
    const [version] = await rows<{ metrics: string }>('SELECT metrics FROM models WHERE id = $1', [row.model_id]);
    // Validation may stop it early (patience): its steps are counted on from the checkpoint's.
    const { steps } = JSON.parse(version.metrics);
    assert.ok(steps > resumedAt && steps <= STEPS, `${steps} steps in all, ${resumedAt} of them before the kill`);
    assert.equal(await versionCount(), versionsBefore + 1, 'one model version for the job');
  } finally {
    heard.close();
    await stopAll();
  }
});

test(
  'a worker stopped with SIGTERM mid-training hands its task back at once; another worker continues from the checkpoint',
  { skip },
  async () => {
    const rev = await signIn(base, 'rev');
    const heard = await windowEvents(team.app.server.port, rev);
    try {
      const first = startWorker();
      await first.waitFor(/takes tasks/);
      const { jobId } = (await call('startTraining', finetune(400), rev)).body;
      const deadline = Date.now() + 60_000;
      while (!existsSync(checkpointOf(jobId)) || loadTrainingCheckpoint(checkpointOf(jobId)).state.step < 4) {
        assert.ok(Date.now() < deadline, `no checkpoint within 60 s:\n${first.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      first.child.kill('SIGTERM');
      // Long before the 400 steps would have ended: the worker does not wait for the training.
      assert.equal(await first.exited, 0, first.output());
      const [, stoppedAt] = (await first.waitFor(/its worker stopped at step (\d+): back to the queue/)).map(Number);
      assert.ok(stoppedAt < 400, `stopped at step ${stoppedAt}`);
      assert.equal(await queue.getWaitingCount(), 1, 'the task is back in the queue, not failed');

      const second = startWorker();
      const end = await heard.ended(jobId);
      assert.equal((end as { state: string }).state, 'done', JSON.stringify(end));
      const [, resumedAt] = (await second.waitFor(/resumed from the checkpoint at step (\d+)/)).map(Number);
      assert.ok(resumedAt > 0, `the second worker resumed at step ${resumedAt}`);
      assert.match(second.output(), /\(attempt 1\)/, 'handing it back cost no attempt');
    } finally {
      heard.close();
      await stopAll();
    }
  },
);

test(
  'a training cancelled in a worker’s hands stops at its next step, keeping its checkpoint; resumed, it continues from there',
  { skip },
  async () => {
    const rev = await signIn(base, 'rev');
    const heard = await windowEvents(team.app.server.port, rev);
    const worker = startWorker();
    try {
      await worker.waitFor(/takes tasks/);
      const { jobId } = (await call('startTraining', finetune(400), rev)).body;
      const deadline = Date.now() + 60_000;
      while (!existsSync(checkpointOf(jobId)) || loadTrainingCheckpoint(checkpointOf(jobId)).state.step < 4) {
        assert.ok(Date.now() < deadline, `no checkpoint within 60 s:\n${worker.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal((await call('cancelJob', { jobId }, rev)).status, 200);
      assert.equal(((await heard.ended(jobId)) as { state: string }).state, 'cancelled');
      const [, stoppedAt] = (await worker.waitFor(/stopped at step (\d+): its job was cancelled/)).map(Number);
      assert.ok(existsSync(checkpointOf(jobId)), 'its checkpoint is kept');
      const kept = loadTrainingCheckpoint(checkpointOf(jobId)).state.step;
      assert.ok(kept > 0 && kept < 400, `stopped midway (step ${stoppedAt}, checkpoint at ${kept})`);

      // Resumed only once its worker has let go of the stopped task: two workers never train one job.
      let resumed;
      while ((resumed = await call('resumeJob', { jobId }, rev)).status !== 200) {
        assert.match(resumed.body.message, /is still stopping in a worker/);
        await new Promise((r) => setTimeout(r, 50));
      }
      heard.events.length = 0;
      const end = await heard.ended(jobId);
      assert.equal((end as { state: string }).state, 'done', JSON.stringify(end));
      const [row] = await rows<{ log: string }>('SELECT log FROM jobs WHERE id = $1', [jobId]);
      assert.match(row.log, /stopped at step \d+: the job was cancelled; its checkpoint is kept/);
      assert.match(row.log, new RegExp(`resumed at step ${kept} \\(its checkpoint\\)`));
    } finally {
      heard.close();
      await stopAll();
    }
  },
);

test(
  'semi-supervised training on the server: the readings it trains on are kept with the version, never as transcriptions',
  { skip },
  async () => {
    const before = await rows('SELECT id, line_id, text, source FROM transcriptions ORDER BY id');
    const rev = await signIn(base, 'rev');
    const heard = await windowEvents(team.app.server.port, rev);
    const worker = startWorker();
    try {
      await worker.waitFor(/takes tasks/);
      const semi = { rounds: 2, threshold: 0, pseudoWeight: 0.5, languageModel: false };
      const started = await call('startTraining', finetune(4, { semiSupervised: semi }), rev);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const end = await heard.ended(started.body.jobId);
      assert.equal((end as { state: string }).state, 'done', JSON.stringify(end));
      assert.deepEqual(
        await rows('SELECT id, line_id, text, source FROM transcriptions ORDER BY id'),
        before,
        'the transcriptions are untouched',
      );
      const [version] = await rows<{ training_set: string }>('SELECT training_set FROM models WHERE id = $1', [
        (end as { modelId: number }).modelId,
      ]);
      const set = JSON.parse(version.training_set) as { pseudoLabeled: Array<{ round: number; lines: Array<[number, string, number]> }> };
      assert.deepEqual(
        set.pseudoLabeled.map((r) => r.round),
        [1, 2],
      );
      const unlabeled = new Set(
        (await rows<{ id: number }>('SELECT id FROM lines WHERE id NOT IN (SELECT line_id FROM current_transcriptions)')).map((r) => r.id),
      );
      const pseudo = set.pseudoLabeled.flatMap((r) => r.lines);
      assert.ok(pseudo.length > 0, 'some readings were trained on');
      for (const [lineId] of pseudo) assert.ok(unlabeled.has(lineId), `line ${lineId} is still unlabeled`);
    } finally {
      heard.close();
      await stopAll();
    }
  },
);
