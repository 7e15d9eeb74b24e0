// Two resumes of one job (two terminals, or the app and a terminal): the process whose
// worker finds the job already taken by the other ends at once, saying so, instead of
// waiting on the other's run forever (where a Ctrl+C would then have cancelled that run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withClient } from '../../../main/cli/client.ts';
import { claimJob, createJob, getJob, JobCancelled } from '../../../main/jobs/jobs.ts';
import { Project } from '../../../main/project/project.ts';
import { newProject } from '../../helpers/project.ts';

test('a resume that another process took first ends with the reason, and leaves that run alone', async () => {
  const made = newProject();
  const job = createJob(made, 'finetune', { kind: 'finetune', steps: 1, batchSize: 1, seed: 1, freezeEncoder: false }, 'cancelled');
  made.close();
  const other = Project.open(made.root);
  try {
    await withClient(made.root, async (client) => {
      await client.call('resumeJob', { jobId: job.id });
      // The other process claims it while this one's worker is still starting.
      claimJob(other, job.id, ['cancelled']);
      const ended = client.waitForJob(job.id, () => {});
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('still waiting after 60 s')), 60_000).unref());
      await assert.rejects(Promise.race([ended, timeout]), /job \d+ is running in another process \(its resume came first\)/);
    });
    assert.equal(getJob(other, job.id).state, 'running', "the other's run is left as it is");
  } finally {
    other.close();
  }
});

test('a job cancelled from elsewhere before this process started it ends as cancelled, not as taken', async () => {
  const made = newProject();
  made.close();
  await withClient(made.root, async (client) => {
    const model = await client.call('addBaseModel', {});
    const { jobId } = await client.call('startTranscription', { modelId: model.id });
    // `quire cancel` from a terminal while this process's worker is still starting.
    const other = Project.open(made.root);
    try {
      assert.equal(other.db.prepare(`UPDATE jobs SET state = 'cancelled' WHERE id = ? AND state = 'queued'`).run(jobId).changes, 1);
    } finally {
      other.close();
    }
    await assert.rejects(
      client.waitForJob(jobId, () => {}),
      (e: Error) => e instanceof JobCancelled && /job \d+ was cancelled/.test(e.message),
    );
  });
});

test('Ctrl+C between a job being stored and its wait cancels the job: the wait ends as cancelled, nothing left running', async () => {
  const made = newProject();
  made.close();
  await withClient(made.root, async (client) => {
    const model = await client.call('addBaseModel', {});
    const { jobId } = await client.call('startTranscription', { modelId: model.id });
    // The signal lands before waitForJob is called (it used to kill the process there,
    // leaving the row "running" with no process running it).
    process.emit('SIGTERM', 'SIGTERM');
    await assert.rejects(
      client.waitForJob(jobId, () => {}),
      (e: Error) => e instanceof JobCancelled,
    );
    const other = Project.open(made.root);
    try {
      assert.equal(getJob(other, jobId).state, 'cancelled');
    } finally {
      other.close();
    }
  });
  assert.equal(process.listenerCount('SIGTERM'), 0, 'the handlers leave with the client');
});
