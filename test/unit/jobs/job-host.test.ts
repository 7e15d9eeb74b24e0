// A job records which process runs it as soon as it runs: `quire cancel` signals a CLI
// training process, but refuses a job running in a worker thread of the app (signalling
// its pid would stop the whole app), whatever kind of job it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createJob, getJob, requestCancel } from '../../../main/jobs/jobs.ts';
import { newProject } from '../../helpers/project.ts';

test('a job started in this process records its pid, not the app flag', () => {
  const project = newProject();
  const job = createJob(project, 'transcribe', {});
  assert.deepEqual(getJob(project, job.id).progress, { pid: process.pid, app: false });
  project.close();
});

test('quire cancel refuses a job that a worker thread of the app runs', async () => {
  const project = newProject();
  const job = createJob(project, 'transcribe', {}, 'queued');
  // What the app's job worker does first for any job kind: mark it running.
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
        root: project.root,
        id: job.id,
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
  assert.deepEqual(getJob(project, job.id).progress, { pid: process.pid, app: true });
  assert.throws(() => requestCancel(project, job.id), /runs in the Quire app/);
  assert.equal(getJob(project, job.id).state, 'running');
  project.close();
});
