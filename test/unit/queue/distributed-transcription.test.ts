// Transcription shared out through a real Redis (Debian's redis-server, test/helpers/redis.ts)
// to `quire worker` processes, as users run them: the compiled CLI. Skipped, saying why,
// where redis-server is not installed. The workers' lock is 2 s here (30 s by default), so
// a killed worker's part is handed to another within seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { pageImage } from '../../../main/db/pages.ts';
import { jobReadingCount, linesReadByJob } from '../../../main/db/predictions.ts';
import { currentText } from '../../../main/db/transcriptions.ts';
import { listJobs } from '../../../main/jobs/jobs.ts';
import { lineIdsOf } from '../../../main/jobs/transcription.ts';
import { Project } from '../../../main/project/project.ts';
import { connectionFor, QUEUE_NAME } from '../../../main/queue/tasks.ts';
import { CLI } from '../../helpers/cli.ts';
import { quireProcess, stopAll } from '../../helpers/cli-process.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { tempDir } from '../../helpers/project.ts';
import { redisSkip, startRedis } from '../../helpers/redis.ts';

const skip = redisSkip;
// Started at the top level, so the helper's `after` hook stops it when this file ends.
const redisUrl = skip ? '' : (await startRedis()).url;

const quire = (...args: string[]) => quireProcess(args);

/** `quire transcribe` of the project through the queue, in parts of `chunk` lines. */
const transcribeOn = (made: { dir: string; modelId: number }, chunk: string, ...extra: string[]) =>
  quire('transcribe', made.dir, '--model', String(made.modelId), '--redis', redisUrl, '--chunk-size', chunk, ...extra);

/** A worker that may open the projects under the folder holding the test's project. */
const worker = (made: { dir: string }) =>
  quire('worker', '--redis', redisUrl, '--projects', dirname(made.dir), '--lock-ms', '2000', '--threads', '1', '--verbose');

function jobsOf(dir: string) {
  const project = Project.openShared(dir);
  try {
    return listJobs(project);
  } finally {
    project.close();
  }
}

function theJob(dir: string) {
  const jobs = jobsOf(dir);
  assert.equal(jobs.length, 1);
  return jobs[0];
}

test(
  'two workers transcribe 2,000 lines; one is SIGKILLed mid-part: every line read once, the job done, no human text changed',
  { skip },
  async () => {
    const made = await manyLinesProject(2000, { pages: 4, labeled: 40 });
    try {
      const a = worker(made);
      const b = worker(made);
      await Promise.all([a.waitFor(/takes tasks/), b.waitFor(/takes tasks/)]);
      const transcribe = transcribeOn(made, '100', '--json');
      // Mid-part: a batch of A's part is stored, the rest of the part not yet.
      await a.waitFor(/: (?:32|64)\/100 lines/);
      a.child.kill('SIGKILL');
      assert.equal(await a.exited, null, 'killed');
      assert.equal(await transcribe.exited, 0, transcribe.output().slice(-3000));
      const job = theJob(made.dir);
      assert.equal(job.state, 'done');
      assert.equal(job.modelId, made.modelId);
      assert.match(job.log, /stalled/, 'the killed worker’s part was detected as stalled');
      assert.match(job.log, /already read \(a redone part\)/, 'the redone part skipped the lines stored before the kill');
      assert.match(job.log, /read 2000 lines/);
      const project = Project.openShared(made.dir);
      try {
        const ids = lineIdsOf(project);
        assert.equal(ids.length, 2000);
        assert.equal(jobReadingCount(project.db, job.id), 2000, 'one reading per line for the job');
        assert.equal(linesReadByJob(project.db, job.id, ids).size, 2000);
        for (const [lineId, text] of made.labeled) assert.equal(currentText(project.db, lineId), text);
      } finally {
        project.close();
      }
      const printed = transcribe
        .output()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{"line_id"'));
      assert.equal(printed.length, 2000, 'the command prints every reading');
    } finally {
      await stopAll();
    }
  },
);

test(
  'a part that keeps failing is retried, then the job fails naming the part and the reason; resumed, it reads only the lines left',
  { skip },
  async () => {
    const made = await manyLinesProject(200, { pages: 2 });
    const project = Project.openShared(made.dir);
    // The second page's image is gone from the store, its gray copy and the page it would be
    // derived from (openGray): its lines cannot be cropped on any try.
    const hash = pageImage(project.db, made.pageIds[1])!.image_hash;
    const images = (['gray', 'page'] as const)
      .filter((kind) => project.images.has(hash, kind))
      .map((kind) => project.images.path(hash, kind));
    project.close();
    for (const image of images) renameSync(image, `${image}.away`);
    try {
      const w = worker(made);
      await w.waitFor(/takes tasks/);
      const transcribe = transcribeOn(made, '100', '--attempts', '2');
      assert.equal(await transcribe.exited, 2, transcribe.output().slice(-3000));
      assert.match(transcribe.output(), /part 2\/2 \(lines \d+-\d+\) failed after 2 attempt\(s\): .*missing/);
      const job = theJob(made.dir);
      assert.equal(job.state, 'failed');
      assert.match(job.error ?? '', /part 2\/2/);
      assert.match(job.log, /part 2\/2 \(lines \d+-\d+\) failed \(attempt 1 of 2\): .*; retrying/);
      assert.match(job.log, /part 1\/2 .*: 100 read/, 'the good part was read');

      // The image is back: resumed on the queue, the job reads the second page only.
      for (const image of images) renameSync(`${image}.away`, image);
      const resume = quire('resume', made.dir, String(job.id), '--redis', redisUrl);
      assert.equal(await resume.exited, 0, resume.output());
      const resumed = theJob(made.dir);
      assert.equal(resumed.state, 'done');
      assert.match(resumed.log, /read 200 lines \(100 in this run, 100 already read\)/);
      const check = Project.openShared(made.dir);
      assert.equal(jobReadingCount(check.db, job.id), 200);
      check.close();
    } finally {
      await stopAll();
    }
  },
);

test('cancel takes the waiting parts off the queue and the job ends cancelled', { skip }, async () => {
  const made = await manyLinesProject(500, { pages: 1 });
  const queue = new Queue(QUEUE_NAME, { connection: connectionFor(redisUrl) });
  try {
    // No worker runs: every part waits.
    const transcribe = transcribeOn(made, '50');
    const deadline = Date.now() + 30_000;
    while (!/queued 500 lines in 10 part/.test(jobsOf(made.dir)[0]?.log ?? '')) {
      assert.ok(Date.now() < deadline, 'the parts were not queued within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The row says "queued" before the parts reach Redis: wait for them there, however slow the machine.
    while ((await queue.getWaitingCount()) < 10) {
      assert.ok(Date.now() < deadline, 'the parts did not reach the queue within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await queue.getWaitingCount(), 10);
    const cancel = quire('cancel', made.dir, String(theJob(made.dir).id));
    assert.equal(await cancel.exited, 0, cancel.output());
    assert.equal(await transcribe.exited, 130, transcribe.output());
    const job = theJob(made.dir);
    assert.equal(job.state, 'cancelled');
    assert.match(job.log, /10 waiting part\(s\) taken off the queue/);
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active');
    assert.deepEqual(counts, { waiting: 0, delayed: 0, active: 0 });
  } finally {
    await queue.close();
    await stopAll();
  }
});

test('--redis takes only a redis:// URL (exit 2, the option named), whether Redis runs or not', () => {
  const dir = tempDir();
  for (const args of [
    ['transcribe', dir, '--model', '1', '--redis', 'localhost:6379'],
    ['worker', '--redis', 'http://host:6379'],
    ['worker', '--redis', 'redis://h', '--lock-ms', '10'],
  ]) {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--redis|--lock-ms/);
  }
});

test('quire worker refuses to start without --projects or --database, with a folder that is not there, or a --database without --files, naming it', () => {
  const none = spawnSync(process.execPath, [CLI, 'worker', '--redis', 'redis://127.0.0.1:1'], { encoding: 'utf8' });
  assert.equal(none.status, 2, none.stderr);
  assert.match(
    none.stderr,
    /quire worker needs --projects DIR\[,DIR\.\.\.\] \(the folders under which it may open .*\) or --database postgres:\/\/… --files DIR/,
  );
  const missing = join(tempDir(), 'not-here');
  const absent = spawnSync(process.execPath, [CLI, 'worker', '--redis', 'redis://127.0.0.1:1', '--projects', `${tempDir()},${missing}`], {
    encoding: 'utf8',
  });
  assert.equal(absent.status, 2, absent.stderr);
  assert.match(absent.stderr, new RegExp(`--projects: ${missing} does not exist`));
  const url = 'postgres://quire:s3cret@127.0.0.1:1/quire';
  const noFiles = spawnSync(process.execPath, [CLI, 'worker', '--redis', 'redis://127.0.0.1:1', '--database', url], { encoding: 'utf8' });
  assert.equal(noFiles.status, 2, noFiles.stderr);
  assert.match(noFiles.stderr, /--database needs --files DIR/);
  const notPg = spawnSync(process.execPath, [CLI, 'worker', '--redis', 'redis://127.0.0.1:1', '--database', 'mysql://a:s3cret@h/db'], {
    encoding: 'utf8',
  });
  assert.equal(notPg.status, 2, notPg.stderr);
  assert.match(notPg.stderr, /--database mysql:\/\/a:\*\*\*@h\/db: not a postgres:\/\/ or postgresql:\/\/ URL/);
  assert.doesNotMatch(noFiles.stderr + notPg.stderr, /s3cret/, 'no password in an error');
});
