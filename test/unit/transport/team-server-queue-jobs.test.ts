// `quire serve --database URL --files DIR --redis URL`: finding lines and evaluation on a team
// server's PostgreSQL store go to the queue, through the HTTP and WebSocket API, done by a
// `quire worker` given the store. Finding lines: the call waits for its job and answers its
// report; the lines found are those the desktop finds on the same pages (the same program
// writes them), no transcribed line is removed, the removed ones are recorded as removed by
// the account that asked, a part redone after the job wrote its page changes nothing, and a
// cancelled job's waiting pages leave the queue. Evaluation: the CER, WER and confusions of
// the parts added up are the desktop's for the same lines, and kept with the model. Real
// PostgreSQL and Redis from the Debian packages; skipped, saying why, without them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { QuireEvent } from '../../../shared/api.ts';
import { evaluateModel } from '../../../main/jobs/transcription.ts';
import { segmentPages } from '../../../main/layout/segment-pages.ts';
import { classicalSegmenter } from '../../../main/layout/segmenters.ts';
import { Project } from '../../../main/project/project.ts';
import { storeUrl } from '../../../main/queue/allowed-stores.ts';
import type { Task } from '../../../main/queue/tasks.ts';
import { stopAll } from '../../helpers/cli-process.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { settled } from '../../helpers/queue-tasks.ts';
import { apiCall, signIn, windowEvents } from '../../helpers/team-client.ts';
import { teamQueue, type ServedTeam } from '../../helpers/team-queue.ts';

const { skip, queue, serve, worker, untilWaiting } = await teamQueue();
let team: ServedTeam;
let made: Awaited<ReturnType<typeof manyLinesProject>>;
let base: string;
let url: string;
let files: string;

before(async () => {
  if (skip) return;
  made = await manyLinesProject(60, { pages: 3, labeled: 30 });
  team = await serve(made.dir, { ada: 'admin', rev: 'reviewer' }, { chunkSize: 7, attempts: 2, backoffMs: 200, pollMs: 500 });
  ({ base, url, files } = team);
});
const call = (method: string, body: unknown, cookie: string) => apiCall(base, method, body, cookie);
const rows = async <R>(text: string, values: unknown[] = []) => (await team.store.query(text, values)).rows as R[];
const startWorker = () => worker(team);

test('finding lines with no worker waits in the queue; cancelled, its pages leave it and the call answers so', { skip }, async () => {
  const rev = await signIn(base, 'rev');
  const heard = await windowEvents(team.app.server.port, rev);
  try {
    const answer = call('segmentPages', { pageIds: made.pageIds, segmenter: 'classical' }, rev);
    await untilWaiting(3, 'the 3 pages');
    const job = (await call('listJobs', {}, rev)).body.find((j: { kind: string }) => j.kind === 'find-lines');
    assert.equal(job.state, 'running');
    assert.match(job.log, /queued 3 pages in 3 part\(s\) of up to 1 on redis:/);
    assert.equal((await call('cancelJob', { jobId: job.id }, rev)).status, 200);
    const { status, body } = await answer;
    assert.equal(status, 500, JSON.stringify(body));
    assert.match(body.message, new RegExp(`finding lines \\(job ${job.id}\\) cancelled; pages it had done keep their new lines`));
    assert.equal(((await heard.ended(job.id)) as { state: string }).state, 'cancelled');
    assert.equal(await queue.getWaitingCount(), 0, 'the waiting pages left the queue');
    const [pages] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM pages WHERE segmented_by_job IS NOT NULL');
    assert.equal(pages.n, 0, 'no page was written');
  } finally {
    heard.close();
  }
});

test('a worker evaluates a model in parts: the CER, WER and confusions are the desktop’s, kept with the model', { skip }, async () => {
  const desktop = Project.open(made.dir);
  let expected;
  try {
    expected = await evaluateModel(desktop, made.modelId, 'train');
  } finally {
    desktop.close();
  }
  assert.ok(expected.lines > 7, `several parts of 7 lines (${expected.lines} labeled train lines)`);
  const rev = await signIn(base, 'rev');
  const heard = await windowEvents(team.app.server.port, rev);
  const worker = startWorker();
  try {
    await worker.waitFor(/takes tasks/);
    const refused = await call('startEvaluation', { modelId: made.modelId, split: 'test', extra: 1 }, rev);
    assert.equal(refused.status, 400, 'the request is checked');
    // The bundled base model, named by a request refused past the schema (every labeled line is in train), is not added.
    const noTest = await call('startEvaluation', { modelId: 'base', split: 'test' }, rev);
    assert.match(noTest.body.message, /no labeled lines in the test split/);
    assert.deepEqual(await rows('SELECT id FROM models WHERE id <> $1', [made.modelId]), []);
    const started = await call('startEvaluation', { modelId: made.modelId, split: 'train' }, rev);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const { jobId } = started.body;
    const end = await heard.ended(jobId);
    assert.deepEqual(
      [(end as { state: string }).state, (end as { modelId?: number }).modelId],
      ['done', made.modelId],
      JSON.stringify(end),
    );
    assert.ok(heard.events.some((e) => e.type === 'job-progress' && e.progress.jobId === jobId && e.progress.phase === 'evaluate'));
    const row = (await call('listJobs', {}, rev)).body.find((j: { id: number }) => j.id === jobId);
    assert.deepEqual(row.progress.result, expected, 'the parts added up are the desktop’s evaluation');
    assert.match(row.log, new RegExp(`train split, ${expected.lines} lines: CER `));
    const [model] = await rows<{ metrics: string }>('SELECT metrics FROM models WHERE id = $1', [made.modelId]);
    const metrics = JSON.parse(model.metrics);
    assert.deepEqual([metrics.trainCer, metrics.trainWer, metrics.trainLines], [expected.cer, expected.wer, expected.lines]);
    assert.match(worker.output(), /evaluating on 7 lines/);
  } finally {
    heard.close();
    await stopAll();
  }
});

test(
  'a worker finds the lines the desktop finds, keeps every transcribed line, records who removed the others; a redone part changes nothing',
  { skip },
  async () => {
    const rev = await signIn(base, 'rev');
    const heard = await windowEvents(team.app.server.port, rev);
    const worker = startWorker();
    const shapes = async (pageId: number) =>
      (await rows<{ polygon: string }>('SELECT polygon FROM lines WHERE page_id = $1 ORDER BY reading_order', [pageId])).map(
        (r) => r.polygon,
      );
    try {
      await worker.waitFor(/takes tasks/);
      const transcribed = await rows<{ id: number; text: string }>('SELECT line_id AS id, text FROM current_transcriptions ORDER BY 1');
      assert.equal(transcribed.length, 30);
      const { status, body: report } = await call('segmentPages', { pageIds: made.pageIds, segmenter: 'classical' }, rev);
      assert.equal(status, 200, JSON.stringify(report));
      const job = (await call('listJobs', {}, rev)).body.filter((j: { kind: string }) => j.kind === 'find-lines').at(-1);
      assert.equal(job.state, 'done');
      assert.deepEqual(job.progress.result, report);
      assert.equal(report.pages, 3);
      assert.equal(report.segmenter, 'classical');
      assert.equal(report.keptLabeled, 30);
      assert.match(job.log, /found lines on 3 page\(s\) with the classical segmenter: .* on 1 worker\(s\)/);
      const progress = heard.events.filter((e) => e.type === 'job-progress' && e.progress.jobId === job.id);
      assert.ok(progress.length > 0, 'progress reached the window');
      assert.equal((progress.at(-1) as Extract<QuireEvent, { type: 'job-progress' }>).progress.phase, 'find-lines');
      assert.equal(((await heard.ended(job.id)) as { state: string }).state, 'done');

      // Every transcribed line is there, with its text.
      assert.deepEqual(await rows('SELECT line_id AS id, text FROM current_transcriptions ORDER BY 1'), transcribed);
      const [removed] = await rows<{ n: number; by: string[] }>(
        "SELECT count(*)::int AS n, array_agg(DISTINCT deleted_by) AS by FROM deleted_lines WHERE reason = 'replaced by segmentation'",
      );
      assert.equal(removed.n, report.removed);
      assert.equal(report.removed, 30, 'the 30 untranscribed lines were replaced');
      assert.deepEqual(removed.by, ['rev'], 'removed by the account that asked');

      // The desktop finds the same lines on the same pages (the project folder the store came from).
      const desktop = Project.open(made.dir);
      try {
        const there = await segmentPages(desktop, made.pageIds, { segmenter: classicalSegmenter });
        assert.deepEqual({ ...there, segmenter: 'classical' }, report);
        for (const pageId of made.pageIds) {
          const lines = desktop.db.prepare('SELECT polygon FROM lines WHERE page_id = ? ORDER BY reading_order').all(pageId) as Array<{
            polygon: string;
          }>;
          assert.deepEqual(
            await shapes(pageId),
            lines.map((l) => l.polygon),
            `page ${pageId}`,
          );
        }
      } finally {
        desktop.close();
      }

      // A part handed out again after the job wrote its page (its worker died before answering): nothing changes.
      const before = await shapes(made.pageIds[0]);
      const task: Task = {
        v: 1,
        store: { kind: 'postgres', url: storeUrl(url), files },
        jobId: job.id,
        kind: 'find-lines',
        config: job.config,
        part: { index: 0, of: 3, pageIds: [made.pageIds[0]] },
      };
      await queue.add('find-lines', task, { jobId: 'redone-page' });
      const redone = await settled(queue, 'redone-page', 60_000);
      assert.equal(await redone.getState(), 'completed', redone.failedReason);
      assert.deepEqual([redone.returnvalue.pages, redone.returnvalue.skipped], [0, 1]);
      assert.deepEqual(await shapes(made.pageIds[0]), before);
    } finally {
      heard.close();
      await stopAll();
    }
  },
);
