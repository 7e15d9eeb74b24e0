// A task's payload comes from whoever reaches Redis: a worker does what the job's row in its
// store allows, not what the payload says. A malformed task or one naming another model
// fails at once (not retried into the same error); lines outside the job's pages are not
// written; a project outside the folders the worker may open (--projects) is not opened. An in-process worker on a real throwaway redis-server (skipped without one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { jobReadingCount } from '../../../main/db/predictions.ts';
import { createJob } from '../../../main/jobs/jobs.ts';
import { lineIdsOf } from '../../../main/jobs/transcription.ts';
import { Project } from '../../../main/project/project.ts';
import { connectionFor, QUEUE_NAME, type Task } from '../../../main/queue/tasks.ts';
import { runWorker } from '../../../main/queue/worker.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { redisSkip, startRedis } from '../../helpers/redis.ts';
import { settled } from '../../helpers/queue-tasks.ts';

const skip = redisSkip;
const redisUrl = skip ? '' : (await startRedis()).url;

test(
  'a worker refuses a malformed task or one naming another model at the first try, and reads no line outside the job',
  { skip },
  async () => {
    const made = await manyLinesProject(20, { pages: 2 });
    const project = Project.open(made.dir);
    const job = createJob(project, 'transcribe', { modelId: made.modelId, pageIds: [made.pageIds[0]] });
    const [ofJob, notOfJob] = made.pageIds.map((pageId) => lineIdsOf(project, [pageId]));
    project.close();
    const task = (config: Record<string, unknown>, lineIds: number[]): Task => ({
      v: 1,
      store: { kind: 'sqlite', root: made.dir },
      jobId: job.id,
      kind: 'transcribe',
      config,
      part: { index: 0, of: 1, lineIds },
    });
    const queue = new Queue(QUEUE_NAME, { connection: connectionFor(redisUrl) });
    let stop!: () => void;
    const stopped = runWorker(
      { redisUrl, projects: [dirname(made.dir)], concurrency: 1, threads: 1, lockMs: 2000, log: () => {} },
      new Promise<void>((r) => (stop = r)),
    );
    try {
      const opts = (id: string) => ({ jobId: id, attempts: 3 });
      await queue.add('transcribe', { v: 2, nonsense: true }, opts('malformed'));
      await queue.add('transcribe', task({ modelId: made.modelId + 1 }, ofJob), opts('other-model'));
      await queue.add('transcribe', task({ modelId: made.modelId }, [...notOfJob, ofJob[0]]), opts('other-page'));

      const malformed = await settled(queue, 'malformed');
      assert.equal(await malformed.getState(), 'failed');
      assert.equal(malformed.attemptsMade, 1, 'not retried');
      assert.match(malformed.failedReason, /not a Quire task.*\bv\b/);

      const otherModel = await settled(queue, 'other-model');
      assert.equal(await otherModel.getState(), 'failed');
      assert.equal(otherModel.attemptsMade, 1, 'not retried');
      assert.match(
        otherModel.failedReason,
        new RegExp(`job ${job.id} of .* works with model ${made.modelId}, but the task names model ${made.modelId + 1}`),
      );

      const otherPage = await settled(queue, 'other-page');
      assert.equal(await otherPage.getState(), 'completed', otherPage.failedReason);
      assert.deepEqual(
        { written: otherPage.returnvalue.written, skipped: otherPage.returnvalue.skipped },
        { written: 1, skipped: notOfJob.length },
      );
      const check = Project.openShared(made.dir);
      assert.equal(jobReadingCount(check.db, job.id), 1, 'only the line of the job’s page was read');
      check.close();
    } finally {
      stop();
      await stopped;
      await queue.close();
    }
  },
);

/** Every file of a folder with a digest of its bytes: a project opened by a worker gains its -wal and -shm. */
function folderState(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => [
        join(f.parentPath, f.name),
        createHash('sha256')
          .update(readFileSync(join(f.parentPath, f.name)))
          .digest('hex'),
      ]),
  );
}

test(
  'a worker opens only projects under its --projects folders: one elsewhere, a `..` escape and a link out are refused at once, the project untouched',
  { skip },
  async () => {
    const [mine, theirs] = [await manyLinesProject(6, { pages: 1 }), await manyLinesProject(6, { pages: 1 })];
    const allowed = dirname(mine.dir);
    const jobOf = (dir: string, modelId: number) => {
      const project = Project.open(dir);
      try {
        return { id: createJob(project, 'transcribe', { modelId }).id, lineIds: lineIdsOf(project) };
      } finally {
        project.close();
      }
    };
    const [myJob, theirJob] = [jobOf(mine.dir, mine.modelId), jobOf(theirs.dir, theirs.modelId)];
    const task = (root: string, job: { id: number; lineIds: number[] }, modelId: number): Task => ({
      v: 1,
      store: { kind: 'sqlite', root },
      jobId: job.id,
      kind: 'transcribe',
      config: { modelId },
      part: { index: 0, of: 1, lineIds: job.lineIds },
    });
    symlinkSync(theirs.dir, join(allowed, 'link-out'));
    const before = folderState(theirs.dir);
    const queue = new Queue(QUEUE_NAME, { connection: connectionFor(redisUrl) });
    const logged: string[] = [];
    let stop!: () => void;
    const stopped = runWorker(
      { redisUrl, projects: [allowed], concurrency: 1, threads: 1, lockMs: 2000, log: (l) => logged.push(l) },
      new Promise<void>((r) => (stop = r)),
    );
    try {
      const refused = {
        elsewhere: theirs.dir,
        escape: join(allowed, '..', basename(dirname(theirs.dir)), 'project'),
        link: join(allowed, 'link-out'),
      };
      for (const [id, root] of Object.entries(refused))
        await queue.add('transcribe', task(root, theirJob, theirs.modelId), { jobId: `outside-${id}`, attempts: 5 });
      await queue.add('transcribe', task(mine.dir, myJob, mine.modelId), { jobId: 'inside', attempts: 5 });

      for (const [id, root] of Object.entries(refused)) {
        const t = await settled(queue, `outside-${id}`);
        assert.equal(await t.getState(), 'failed', id);
        assert.equal(t.attemptsMade, 1, `${id}: not retried`);
        assert.equal(
          t.failedReason,
          `project ${root} is outside the folders this worker may open (--projects ${allowed}); the task is refused`,
        );
      }
      const inside = await settled(queue, 'inside');
      assert.equal(await inside.getState(), 'completed', inside.failedReason);
      assert.equal(inside.returnvalue.written, myJob.lineIds.length, 'the allowed project was read');
      assert.deepEqual(folderState(theirs.dir), before, 'the project outside was never opened: no file of it changed or appeared');
      assert.ok(logged.some((l) => l.includes(`for projects under ${allowed}`)));
    } finally {
      stop();
      await stopped;
      await queue.close();
    }
    const check = Project.openShared(theirs.dir);
    assert.equal(jobReadingCount(check.db, theirJob.id), 0);
    check.close();
  },
);
