// A team server that dies while it follows a queued job (run-lease.ts): its row would stay
// `running` for ever, since no other server process can tell from a pid whether it lives. A
// `quire serve` process is killed with SIGKILL while its transcription's parts wait on the
// queue; a server started on the same store marks the job interrupted once its lease runs out,
// a resume from there takes the dead run's waiting parts off the queue before queuing what is
// left, and a worker reads every line once. A run the new server follows itself is never
// taken for a dead one. Real PostgreSQL and Redis from the Debian packages; skipped, saying why, without them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverRunner } from '../../../main/db/pg/execute.ts';
import { predictions } from '../../../main/db/predictions.ts';
import { quireProcess } from '../../helpers/cli-process.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { teamQueue, type ServedTeam } from '../../helpers/team-queue.ts';
import { apiCall, signIn, windowEvents } from '../../helpers/team-client.ts';

const { skip, redisUrl, queue, move, serveOn, worker: startWorker, untilWaiting } = await teamQueue();
let moved: Pick<ServedTeam, 'url' | 'files'>;
let team: ServedTeam | undefined;
let modelId: number;
const LINES = 90;

before(async () => {
  if (skip) return;
  const made = await manyLinesProject(LINES, { pages: 2, labeled: 5 });
  modelId = made.modelId;
  moved = await move(made.dir, { rev: 'reviewer', ada: 'admin' });
});

/** A `quire serve` process on the moved store, and its address. */
async function serveProcess(chunkSize: number) {
  const { url, files } = moved;
  const proc = quireProcess([
    'serve',
    '--database',
    url,
    '--files',
    files,
    '--redis',
    redisUrl,
    '--chunk-size',
    String(chunkSize),
    '--port',
    '0',
  ]);
  return { proc, base: (await proc.waitFor(/Open (http:\/\/127\.0\.0\.1:\d+)\//))[1] };
}

const until = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

test(
  'a job whose server was killed is marked interrupted by the next server, resumed there without its old parts, and read once',
  { skip },
  async () => {
    // The first server: a `quire serve` process, killed while its job's parts wait for a worker.
    const { proc: first, base: firstBase } = await serveProcess(30);
    const started = await apiCall(firstBase, 'startTranscription', { modelId }, await signIn(firstBase, 'rev'));
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const { jobId } = started.body as { jobId: number };
    await untilWaiting(3, 'the 3 parts');
    first.child.kill('SIGKILL');
    await first.exited;

    // The second server, on the same store, with a short lease for the test.
    team = await serveOn(moved, { chunkSize: 30, attempts: 2, backoffMs: 200, pollMs: 300, beatMs: 200, orphanAfterMs: 1500 });
    const base = team.base;
    const rev = await signIn(base, 'rev');
    const row = async (id: number) =>
      ((await apiCall(base, 'listJobs', {}, rev)).body as Array<{ id: number; state: string; log: string }>).find((j) => j.id === id)!;
    await until('the dead run marked interrupted', async () => (await row(jobId)).state === 'interrupted');
    assert.match((await row(jobId)).log, /no server process follows this job any more/);
    assert.equal(await queue.getWaitingCount(), 3, 'its parts still wait: nothing took them yet');

    const heard = await windowEvents(team.app.server.port, rev);
    // Resumed before any worker runs: the dead run's parts leave the queue unread.
    assert.equal((await apiCall(base, 'resumeJob', { jobId }, rev)).status, 200);
    const worker = startWorker(moved);
    try {
      const end = await heard.ended(jobId);
      assert.equal((end as { state: string }).state, 'done', JSON.stringify(end));
      const log = (await row(jobId)).log;
      assert.match(log, /resumed on the queue: only what is left is queued; the stopped run's 3 waiting part\(s\) taken off the queue/);
      assert.equal(await serverRunner(team.store)(predictions.jobReadingCount(jobId)), LINES, 'one reading per line');
      // Only the resumed run's 3 parts were read: the dead run's never reached the worker.
      assert.equal((worker.output().match(/: 30 read/g) ?? []).length, 3, worker.output());
      assert.ok(
        !heard.events.some((e) => e.type === 'job-changed' && e.jobId === jobId && e.state === 'interrupted'),
        'the run this server follows, with its lease renewed, is never swept',
      );
    } finally {
      heard.close();
      // Stopped: the next test's parts must wait on the queue.
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  },
);

test('a job whose server died can be cancelled from another server, its waiting parts taken off the queue', { skip }, async () => {
  const rev = await signIn(team!.base, 'rev');
  const { proc: first, base: firstBase } = await serveProcess(45);
  // No worker is running: the parts wait.
  const { jobId } = (await apiCall(firstBase, 'startTranscription', { modelId }, await signIn(firstBase, 'rev'))).body as { jobId: number };
  await untilWaiting(2, 'its 2 parts');
  first.child.kill('SIGKILL');
  await first.exited;
  const base = team!.base;
  const state = async () =>
    ((await apiCall(base, 'listJobs', {}, rev)).body as Array<{ id: number; state: string }>).find((j) => j.id === jobId)!.state;
  await until('the dead run marked interrupted', async () => (await state()) === 'interrupted');
  const cancelled = await apiCall(base, 'cancelJob', { jobId }, rev);
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  const row = ((await apiCall(base, 'listJobs', {}, rev)).body as Array<{ id: number; state: string; log: string }>).find(
    (j) => j.id === jobId,
  )!;
  assert.equal(row.state, 'cancelled');
  assert.match(row.log, /cancelled after its server process stopped; the stopped run's 2 waiting part\(s\) taken off the queue/);
  assert.equal(await queue.getWaitingCount(), 0);
});
