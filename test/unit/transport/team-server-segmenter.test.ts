// `quire serve --database URL --files DIR --redis URL`: segmenter fine-tuning on a team
// server's PostgreSQL store is a queue job of one task, trained by a `quire worker` given the
// store. A reviewer starts it (a transcriber may not; a file outside the project's segmenters
// is refused as the model to start from); with no worker it waits in the queue and cancel
// takes it off; resumed, a worker trains it from the store's corrected pages and the shared
// folder's images, its steps reach the window, and its model is in the shared folder's
// segmenters/, listed by the server and taken by "Find lines" there. Cancelled in a worker's
// hands, it stops at its next step writing no model; resumed, it continues from its checkpoint.
// Kept to seconds: the
// model it starts from is a tiny network, a segmenter "fine-tuned" in the project before it
// moved to the server, and it trains a few steps on two small corrected pages. Real
// PostgreSQL and Redis from the Debian packages, skipped, saying why, without them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { QuireEvent } from '../../../shared/api.ts';
import { createService } from '../../../main/api/service.ts';
import { createJob } from '../../../main/jobs/jobs.ts';
import { projectSegmenterFile } from '../../../main/layout/project-segmenters.ts';
import { loadSegmenter, saveSegmenter } from '../../../main/layout/seg-model-file.ts';
import { initBackend } from '../../../main/ml/backend.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { stopAll } from '../../helpers/cli-process.ts';
import { addCorrectedPages } from '../../helpers/corrected-pages.ts';
import { newProject } from '../../helpers/project.ts';
import { apiCall, signIn, windowEvents } from '../../helpers/team-client.ts';
import { teamQueue, type ServedTeam } from '../../helpers/team-queue.ts';

const { skip, queue, serve, worker, untilWaiting } = await teamQueue();
let team: ServedTeam;
let base: string;
let files: string;
/** The job of the tiny segmenter the project had, to start from. */
let tinyJob: number;
/** The page that is not corrected (one line untranscribed): found lines on with the new segmenter. */
let otherPage: number;

before(async () => {
  if (skip) return;
  const project = newProject();
  try {
    const pages = await addCorrectedPages(createService(project));
    otherPage = pages[2].id;
    await initBackend();
    // A finished segmenter job of the project, its model a tiny network (the bundled one would take minutes here).
    tinyJob = createJob(project, 'segment', { steps: 1 }, 'done').id;
    mkdirSync(join(project.root, 'segmenters'));
    saveSegmenter(projectSegmenterFile(project, tinyJob), new SegNet({ levels: [4, 8, 8], outputs: 4 }, 2), 512);
  } finally {
    project.close();
  }
  team = await serve(
    project.root,
    { ada: 'admin', rev: 'reviewer', tom: 'transcriber' },
    { chunkSize: 50, attempts: 2, backoffMs: 200, pollMs: 500 },
  );
  ({ base, files } = team);
});
const call = (method: string, body: unknown, cookie: string) => apiCall(base, method, body, cookie);
const rows = async <R>(text: string, values: unknown[] = []) => (await team.store.query(text, values)).rows as R[];
// A step may hold the worker's thread longer than the helper's 2 s lock (the last --lock-ms counts): a generous one.
const startWorker = () => worker(team, '--lock-ms', '20000');
type Progress = Extract<QuireEvent, { type: 'job-progress' }>;

test(
  'a reviewer fine-tunes a segmenter on the server (a transcriber may not): queued, cancelled, resumed, a worker writes it to segmenters/, where the server lists it and finds lines with it',
  { skip },
  async () => {
    const from = `segmenters/job-${tinyJob}.qseg`;
    const refused = await call('startSegmenterTraining', { steps: 3, from }, await signIn(base, 'tom'));
    assert.deepEqual([refused.status, refused.body.name], [403, 'Forbidden']);
    const rev = await signIn(base, 'rev');
    const outside = await call('startSegmenterTraining', { steps: 3, from: '/tmp/elsewhere.qseg' }, rev);
    assert.notEqual(outside.status, 200);
    assert.match(outside.body.message, /bundled segmenter or one of the project's/);
    const out = await call('startSegmenterTraining', { steps: 3, out: join(files, 'x.qseg') }, rev);
    assert.match(out.body.message, /leave out `out`/);
    const heard = await windowEvents(team.app.server.port, rev);
    try {
      const started = await call('startSegmenterTraining', { steps: 3, from }, rev);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const { jobId } = started.body;
      await untilWaiting(1, 'the segmenter task');
      assert.equal(await queue.getWaitingCount(), 1, 'one task, not parts');
      assert.equal((await call('cancelJob', { jobId }, rev)).status, 200);
      assert.equal(((await heard.ended(jobId)) as { state: string }).state, 'cancelled');
      assert.equal(await queue.getWaitingCount(), 0, 'the waiting task left the queue');

      const worker = startWorker();
      await worker.waitFor(/takes tasks .*lock 20000 ms/);
      heard.events.length = 0;
      assert.equal((await call('resumeJob', { jobId }, rev)).status, 200);
      const end = await heard.ended(jobId);
      assert.equal((end as { state: string }).state, 'done', `${JSON.stringify(end)}\n${worker.output()}`);
      const steps = heard.events.filter((e): e is Progress => e.type === 'job-progress' && e.progress.jobId === jobId);
      assert.deepEqual(
        steps.map((e) => [e.progress.phase, e.progress.step, e.progress.steps]),
        [
          ['segmenter', 1, 3],
          ['segmenter', 2, 3],
          ['segmenter', 3, 3],
        ],
        'each step reached the window',
      );

      const file = join(files, 'segmenters', `job-${jobId}.qseg`);
      assert.ok(existsSync(file), 'the model is in the shared folder');
      const model = loadSegmenter(file);
      const tuned = model.header.metrics.finetuned as { pages: number; steps: number };
      assert.deepEqual([tuned.pages, tuned.steps], [2, 3]);
      model.net.dispose();
      const listed = await call('listSegmenters', {}, rev);
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.equal(listed.body.correctedPages, 2);
      const mine = listed.body.segmenters.find((s: { jobId: number }) => s.jobId === jobId);
      assert.deepEqual([mine?.choice, mine?.pages, mine?.steps], [`project:${jobId}`, 2, 3], JSON.stringify(listed.body));

      const [row] = await rows<{ state: string; log: string }>('SELECT state, log FROM jobs WHERE id = $1', [jobId]);
      assert.equal(row.state, 'done');
      assert.match(row.log, /resumed on the queue: its worker continues from the checkpoint/);
      assert.match(row.log, /segmenter fine-tuned on 2 corrected page\(s\), 3 steps/);
      assert.match(row.log, /segmenter fine-tuned on 1 worker\(s\)/);
      assert.match(worker.output(), new RegExp(`segmenter job ${jobId} .*written after 3 steps on 2 corrected page`));

      // "Find lines" on the server with it: a find-lines job whose worker loads the new model.
      const found = await call('segmentPages', { pageIds: [otherPage], segmenter: `project:${jobId}` }, rev);
      assert.equal(found.status, 200, `${JSON.stringify(found.body)}\n${worker.output()}`);
      assert.equal(found.body.segmenter, `project:${jobId}`);
      assert.equal(found.body.pages, 1);
      assert.ok(found.body.keptLabeled > 0, 'the transcribed lines are kept');
    } finally {
      heard.close();
      await stopAll();
    }
  },
);

test(
  'a segmenter fine-tuning cancelled in a worker’s hands stops at its next step, writing no model; resumed, it continues from its checkpoint',
  { skip },
  async () => {
    // Far more steps than it is let run: each run is cancelled once its first steps are heard.
    const STEPS = 200;
    const rev = await signIn(base, 'rev');
    const heard = await windowEvents(team.app.server.port, rev);
    const worker = startWorker();
    const stepsOf = (jobId: number) =>
      heard.events.filter((e): e is Progress => e.type === 'job-progress' && e.progress.jobId === jobId).map((e) => e.progress.step);
    const cancelAfterStep = async (jobId: number, step: number) => {
      const deadline = Date.now() + 60_000;
      while (!stepsOf(jobId).some((s) => s >= step)) {
        assert.ok(Date.now() < deadline, `no training step ${step} within 60 s:\n${worker.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal((await call('cancelJob', { jobId }, rev)).status, 200);
      assert.equal(((await heard.ended(jobId)) as { state: string }).state, 'cancelled');
    };
    try {
      await worker.waitFor(/takes tasks .*lock 20000 ms/);
      const started = await call('startSegmenterTraining', { steps: STEPS, from: `segmenters/job-${tinyJob}.qseg` }, rev);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const { jobId } = started.body;
      await cancelAfterStep(jobId, 3);
      const [, stoppedAt] = (await worker.waitFor(/stopped at step (\d+): its job was cancelled/)).map(Number);
      assert.ok(stoppedAt >= 3 && stoppedAt < STEPS, `stopped at step ${stoppedAt} of ${STEPS}`);
      assert.ok(!existsSync(join(files, 'segmenters', `job-${jobId}.qseg`)), 'no model written');

      // Resumed only once its worker has let go of the stopped task: two workers never train one job.
      let resumed;
      while ((resumed = await call('resumeJob', { jobId }, rev)).status !== 200) {
        assert.match(resumed.body.message, /is still stopping in a worker/);
        await new Promise((r) => setTimeout(r, 50));
      }
      heard.events.length = 0;
      await cancelAfterStep(jobId, stoppedAt + 1);
      assert.equal(stepsOf(jobId)[0], stoppedAt + 1, 'it continues after the step it stopped at');
      const [row] = await rows<{ log: string }>('SELECT log FROM jobs WHERE id = $1', [jobId]);
      assert.match(row.log, /stopped at step \d+: the job was cancelled; no model written/);
      assert.match(row.log, /resumed on the queue: its worker continues from the checkpoint/);
      assert.match(row.log, new RegExp(`resumed at step ${stoppedAt} \\(its checkpoint\\)`));
    } finally {
      heard.close();
      await stopAll();
    }
  },
);
