// A job records which process runs it as soon as it runs: `quire cancel` signals a `quire`
// process (its job worker included), but refuses a job running in a worker thread of the
// app (signalling its pid would stop the whole app), whatever kind of job it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createJob, getJob, requestCancel } from '../../../main/jobs/jobs.ts';
import { JobRunner } from '../../../main/jobs/runner.ts';
import type { QuireEvent } from '../../../shared/api.ts';
import { ensureBaseModel } from '../../../main/models/base-model.ts';
import { newProject } from '../../helpers/project.ts';
import { ownToken } from '../../../main/fs/process-instance.ts';

/** This process as a job's progress records it: its pid and, where the platform tells one, its instance token. */
const here = () => ({ pid: process.pid, ...(ownToken() === undefined ? {} : { token: ownToken() }) });

test('a job started in this process records its pid, not the app flag', () => {
  const project = newProject();
  const job = createJob(project, 'transcribe', {});
  assert.deepEqual(getJob(project, job.id).progress, { ...here(), app: false });
  project.close();
});

/** What a job worker does first for any job kind: mark its job running (`host` as the runner passes it). */
async function markRunningInWorker(root: string, id: number, host?: string): Promise<void> {
  const worker = new Worker(
    `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      const { register } = await import('tsx/esm/api');
      register();
      const { Project } = await import(workerData.project);
      const { updateJob } = await import(workerData.jobs);
      const p = Project.open(workerData.root);
      updateJob(p, workerData.id, { state: 'running' });
      p.close();
      parentPort.postMessage('ok');
    })();`,
    {
      eval: true,
      workerData: {
        root,
        id,
        host,
        project: new URL('../../../main/project/project.ts', import.meta.url).href,
        jobs: new URL('../../../main/jobs/jobs.ts', import.meta.url).href,
      },
    },
  );
  await new Promise((ok, fail) => {
    worker.once('message', ok);
    worker.once('error', fail);
  });
  await worker.terminate();
}

test('quire cancel refuses a job that a worker thread of the app runs', async () => {
  const project = newProject();
  const job = createJob(project, 'transcribe', {}, 'queued');
  await markRunningInWorker(project.root, job.id);
  assert.deepEqual(getJob(project, job.id).progress, { ...here(), app: true });
  assert.throws(() => requestCancel(project, job.id), /runs in the Quire app/);
  assert.equal(getJob(project, job.id).state, 'running');
  project.close();
});

test("a job in a worker thread of the quire command is the command's: a signal to its process cancels it", async () => {
  const project = newProject();
  const job = createJob(project, 'transcribe', {}, 'queued');
  await markRunningInWorker(project.root, job.id, 'cli');
  assert.deepEqual(getJob(project, job.id).progress, { ...here(), app: false });
  project.close();
});

test('a runner asked to cancel a job it does not hold cancels it as quire cancel does', async () => {
  const project = newProject();
  const events: QuireEvent[] = [];
  const runner = new JobRunner(project, (e) => events.push(e), 'cli');
  const queued = createJob(project, 'transcribe', { modelId: 1 }, 'queued');
  runner.cancel(queued.id);
  assert.equal(getJob(project, queued.id).state, 'cancelled');
  assert.deepEqual(events, [{ type: 'job-changed', jobId: queued.id, state: 'cancelled' }]);
  assert.throws(() => runner.cancel(queued.id), new RegExp(`job ${queued.id} is cancelled, not queued or running`));
  await runner.stop();
  project.close();
});

test('a job whose worker stops without saying how the job ended is failed, and its waiters hear it', async () => {
  const project = newProject();
  const events: QuireEvent[] = [];
  const runner = new JobRunner(project, (e) => events.push(e), 'cli');
  const modelId = ensureBaseModel(project).id;
  const jobId = runner.start({ kind: 'transcribe', modelId });
  // What a crash of the thread looks like from the runner: an exit without an end message.
  await (runner as unknown as { worker: Worker }).worker.terminate();
  const failed = events.find((e) => e.type === 'job-changed' && e.jobId === jobId && e.state === 'failed');
  assert.ok(failed, JSON.stringify(events));
  assert.match(String((failed as { error?: string }).error), /worker stopped \(exit code \d+\) before the job ended/);
  assert.equal(getJob(project, jobId).state, 'failed');
  await runner.stop();
  project.close();
});

test('a job cancelled from elsewhere before its worker claims it is told to the windows as cancelled, not failed', async () => {
  const project = newProject();
  const events: QuireEvent[] = [];
  const runner = new JobRunner(project, (e) => events.push(e), 'cli');
  const modelId = ensureBaseModel(project).id;
  const jobId = runner.start({ kind: 'transcribe', modelId });
  // `quire cancel` from a terminal while the worker is still starting (seconds: it loads first).
  const changed = project.db.prepare(`UPDATE jobs SET state = 'cancelled' WHERE id = ? AND state = 'queued'`).run(jobId).changes;
  assert.equal(changed, 1, 'the worker had not claimed the job yet');
  const worker = (runner as unknown as { worker: Worker }).worker;
  await new Promise((ok) => worker.once('exit', ok));
  const ends = events.filter((e) => e.type === 'job-changed' && e.jobId === jobId && !['queued', 'running'].includes(e.state));
  assert.deepEqual(
    ends.map((e) => (e as { state: string }).state),
    ['cancelled'],
    JSON.stringify(events),
  );
  assert.equal(getJob(project, jobId).state, 'cancelled');
  await runner.stop();
  project.close();
});
