// A job's state changes by claims, not check-then-write: a worker starting a queued job does
// not overwrite a cancel that came first, and of two resumes of one interrupted job (two
// processes, each having read it interrupted) only the first starts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { jobReadingCount } from '../../../main/db/predictions.ts';
import { claimJob, createJob, getJob, JobNotClaimed, requestCancel } from '../../../main/jobs/jobs.ts';
import { resumeJob } from '../../../main/jobs/training-runs.ts';
import { transcribe } from '../../../main/jobs/transcription.ts';
import { DB_FILE, Project } from '../../../main/project/project.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { newProject } from '../../helpers/project.ts';

test('a queued transcription cancelled before its worker claims it stays cancelled and reads nothing', async () => {
  const made = await manyLinesProject(20, { pages: 1, labeled: 0 });
  const project = Project.open(made.dir);
  const job = createJob(project, 'transcribe', { modelId: made.modelId, pageIds: null }, 'queued');
  assert.equal(requestCancel(project, job.id), 'cancelled'); // `quire cancel` from a terminal
  await assert.rejects(transcribe(project, made.modelId, { jobId: job.id, threads: 1 }), JobNotClaimed);
  assert.equal(getJob(project, job.id).state, 'cancelled');
  assert.equal(jobReadingCount(project.db, job.id), 0);
  project.close();
});

test('a claim succeeds once: the second of two claims from the same state is refused', () => {
  const project = newProject();
  const job = createJob(project, 'finetune', { steps: 1 }, 'interrupted');
  claimJob(project, job.id, ['interrupted', 'cancelled', 'failed']);
  assert.throws(() => claimJob(project, job.id, ['interrupted', 'cancelled', 'failed']), /job \d+ is running now/);
  assert.equal(getJob(project, job.id).state, 'running');
  project.close();
});

test('a resume whose job another process resumed between its check and its write does not start it again', async () => {
  const project = newProject();
  const job = createJob(project, 'finetune', { kind: 'finetune', steps: 1, batchSize: 1, seed: 1, freezeEncoder: false }, 'interrupted');
  const other = new Database(join(project.root, DB_FILE));
  // The other process's resume lands right after this one has read the job interrupted.
  let raced = false;
  const db = new Proxy(project.db, {
    get(target, key) {
      if (key === 'prepare')
        return (text: string) => {
          if (!raced && /^update "jobs"/i.test(text)) {
            raced = true;
            other.prepare(`UPDATE jobs SET state = 'running', log = log || 'resumed elsewhere' WHERE id = ?`).run(job.id);
          }
          return target.prepare(text);
        };
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const racing = Object.create(project, { db: { value: db } }) as Project;
  await assert.rejects(resumeJob(racing, job.id), JobNotClaimed);
  assert.ok(raced);
  assert.match(getJob(project, job.id).log, /resumed elsewhere/);
  assert.doesNotMatch(getJob(project, job.id).log, /failed|restarted/, 'this resume left the row to the other');
  other.close();
  project.close();
});
