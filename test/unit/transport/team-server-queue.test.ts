// `quire serve --database URL --files DIR --redis URL`: the app's transcription on a team
// server's PostgreSQL store goes to the queue. Through the HTTP and WebSocket API, a signed-in
// reviewer starts it (a transcriber may not), the job's row and progress are kept in the store
// and sent to the windows as events, a `quire worker` process given the store reads every
// line once, and cancel takes the waiting parts off the queue; resumed, the cancelled job is
// read too. Real PostgreSQL and Redis from the Debian packages; skipped, saying why, without them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import type { QuireEvent } from '../../../shared/api.ts';
import { serverRunner } from '../../../main/db/pg/execute.ts';
import { predictions } from '../../../main/db/predictions.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { apiCall, signIn, windowEvents } from '../../helpers/team-client.ts';
import { teamQueue, type ServedTeam } from '../../helpers/team-queue.ts';

const { skip, queue, move, serveOn, worker: startWorker, untilWaiting } = await teamQueue();
let team: ServedTeam;
let moved: Pick<ServedTeam, 'url' | 'files'>;
let base: string;
let modelId: number;
const LINES = 120;

before(async () => {
  if (skip) return;
  const made = await manyLinesProject(LINES, { pages: 2, labeled: 5 });
  modelId = made.modelId;
  moved = await move(made.dir, { ada: 'admin', rev: 'reviewer', tom: 'transcriber' });
  // Given as a relative path, as on a command line: the workers are told its full path.
  team = await serveOn(
    { url: moved.url, files: relative(process.cwd(), moved.files) },
    { chunkSize: 40, attempts: 2, backoffMs: 200, pollMs: 500 },
  );
  base = team.base;
});
const session = (name: string) => signIn(base, name);
const call = (method: string, body: unknown, cookie?: string) => apiCall(base, method, body, cookie);

const jobEvents = (cookie: string) => windowEvents(team.app.server.port, cookie);

let cancelledJob: number;

test(
  'a reviewer starts a transcription (a transcriber may not); with no worker its parts wait, and cancel takes them off the queue',
  { skip },
  async () => {
    const tom = await session('tom');
    const refused = await call('startTranscription', { modelId }, tom);
    assert.deepEqual([refused.status, refused.body.name], [403, 'Forbidden']);
    const rev = await session('rev');
    const heard = await jobEvents(rev);
    try {
      const started = await call('startTranscription', { modelId }, rev);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const { jobId } = started.body;
      cancelledJob = jobId;
      await untilWaiting(3, 'the 3 parts');
      const listed = (await call('listJobs', {}, rev)).body.find((j: { id: number }) => j.id === jobId);
      assert.equal(listed.state, 'running');
      assert.match(listed.log, /queued 120 lines in 3 part\(s\) of up to 40 on redis:\/\/127\.0\.0\.1:\d+/);
      assert.equal((await call('cancelJob', { jobId }, rev)).status, 200);
      const end = await heard.ended(jobId);
      assert.deepEqual([end.type, (end as { state: string }).state], ['job-changed', 'cancelled']);
      assert.equal(await queue.getWaitingCount(), 0, 'the waiting parts left the queue');
      assert.ok(heard.events.some((e) => e.type === 'job-changed' && e.jobId === jobId && e.state === 'queued'));
      const row = (await call('listJobs', {}, rev)).body.find((j: { id: number }) => j.id === jobId);
      assert.equal(row.state, 'cancelled');
      assert.match(row.log, /cancelled: 3 waiting part\(s\) taken off the queue/);
      assert.equal(await serverRunner(team.store)(predictions.jobReadingCount(jobId)), 0);
    } finally {
      heard.close();
    }
  },
);

test(
  'a quire worker given the store reads the job: progress and its end reach the window, one reading per line in the store; a cancelled job resumes',
  { skip },
  async () => {
    const rev = await session('rev');
    const heard = await jobEvents(rev);
    const worker = startWorker(moved);
    try {
      await worker.waitFor(/takes tasks/);
      const { jobId } = (await call('startTranscription', { modelId }, rev)).body;
      const end = await heard.ended(jobId);
      assert.deepEqual([(end as { state: string }).state, (end as { modelId?: number }).modelId], ['done', modelId], JSON.stringify(end));
      const progress = heard.events.filter((e) => e.type === 'job-progress' && e.progress.jobId === jobId);
      assert.ok(progress.length > 0, 'progress events arrived');
      assert.deepEqual(
        progress.map((e) => (e as Extract<QuireEvent, { type: 'job-progress' }>).progress.steps),
        progress.map(() => LINES),
      );
      assert.equal((progress.at(-1) as Extract<QuireEvent, { type: 'job-progress' }>).progress.step, LINES);
      const run = serverRunner(team.store);
      assert.equal(await run(predictions.jobReadingCount(jobId)), LINES, 'one reading per line, in the store');
      const row = (await call('listJobs', {}, rev)).body.find((j: { id: number }) => j.id === jobId);
      assert.equal(row.state, 'done');
      assert.match(row.log, /read 120 lines \(120 in this run, 0 already read\) on 1 worker\(s\)/);
      assert.match(worker.output(), /of job \d+ \(postgres:\/\/.*\(files .*\)\): 40 read/);

      // The job cancelled before: resumed, it is read as well.
      assert.equal((await call('resumeJob', { jobId: cancelledJob }, rev)).status, 200);
      const resumed = await heard.ended(cancelledJob);
      assert.equal((resumed as { state: string }).state, 'done', JSON.stringify(resumed));
      assert.equal(await run(predictions.jobReadingCount(cancelledJob)), LINES);
    } finally {
      heard.close();
    }
  },
);
