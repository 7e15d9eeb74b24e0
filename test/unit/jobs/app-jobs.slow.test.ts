// Background jobs in the app (browser mode): training runs in a worker thread, progress
// streams over the WebSocket at least once per second, the API stays responsive, and a
// cancelled job resumes to the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { serveProject } from '../../../main/app/browser-mode.ts';
import type { QuireEvent } from '../../../shared/api.ts';
import { lineProject } from '../../helpers/line-project.ts';

let app: Awaited<ReturnType<typeof serveProject>>;
let events: Array<{ at: number; event: QuireEvent }> = [];
let ws: WebSocket;

before(async () => {
  app = await serveProject(await lineProject(32, 24));
  ws = new WebSocket(`ws://127.0.0.1:${app.server.port}/events?token=${app.server.token}`);
  await new Promise((ok) => ws.on('open', ok));
  ws.on('message', (m) => events.push({ at: Date.now(), event: JSON.parse(String(m)) }));
});
after(async () => {
  ws?.close();
  await app?.close();
});

const call = async (method: string, body: unknown) => {
  const res = await fetch(`http://127.0.0.1:${app.server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'x-quire-token': app.server.token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(json.message);
  return json;
};

async function until(predicate: () => boolean, ms = 240_000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out; events: ${JSON.stringify(events.filter((e) => e.event.type === 'job-changed').map((e) => e.event))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const finished = (jobId: number, state: string) =>
  events.some((e) => e.event.type === 'job-changed' && e.event.jobId === jobId && e.event.state === state);

test('a training job runs in the background with live progress while the API answers', async () => {
  events = [];
  const { jobId } = await call('startTraining', { kind: 'finetune', steps: 24, batchSize: 4, checkpointEvery: 8 });
  // A second job waits, and says for what; cancelled before it starts.
  const second = (await call('startTraining', { kind: 'pretrain', steps: 4 })).jobId;
  const state = async (id: number) => (await call('listJobs', {})).find((j: { id: number }) => j.id === id);
  assert.deepEqual(
    [(await state(jobId)).state, (await state(second)).state],
    ['running', 'queued'],
    'the started job reads running at once, before its worker writes so',
  );
  assert.match((await state(second)).waiting, new RegExp(`waits for job ${jobId} \\(fine-tuning\\) to finish`));
  await call('cancelJob', { jobId: second });
  assert.equal((await state(second)).state, 'cancelled');
  const latencies: number[] = [];
  while (!finished(jobId, 'done') && !finished(jobId, 'failed')) {
    const t0 = performance.now();
    await call('projectInfo', {});
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(finished(jobId, 'done'), JSON.stringify(events.filter((e) => e.event.type === 'job-changed')));
  const progress = events.filter((e) => e.event.type === 'job-progress');
  assert.ok(progress.length >= 2);
  const gaps = progress.slice(1).map((e, i) => e.at - progress[i].at);
  assert.ok(Math.max(...gaps) < 1500, `progress events at most ~1 s apart (largest gap ${Math.max(...gaps)} ms)`);
  latencies.sort((a, b) => a - b);
  assert.ok(
    latencies[Math.floor(latencies.length * 0.95)] < 500,
    `API answers while training (p95 ${latencies[Math.floor(latencies.length * 0.95)].toFixed(0)} ms)`,
  );
  const models = await call('listModels', {});
  assert.equal(models.length, 1);
  console.log(
    `API latency during training: median ${latencies[latencies.length >> 1].toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
  );
});

test('cancel stops a job with a checkpoint, and resume finishes it', async () => {
  events = [];
  const { jobId } = await call('startTraining', { kind: 'finetune', steps: 30, batchSize: 4, checkpointEvery: 4 });
  await until(() => events.some((e) => e.event.type === 'job-progress' && e.event.progress.jobId === jobId && e.event.progress.step >= 6));
  await call('cancelJob', { jobId });
  await until(() => finished(jobId, 'cancelled'));
  const jobs = await call('listJobs', {});
  assert.equal(jobs.find((j: { id: number }) => j.id === jobId).state, 'cancelled');
  events = [];
  await call('resumeJob', { jobId });
  // Never "cancelled" (with a Resume button) while the resumed job waits for the cancelled
  // run's thread to end, or runs; and never resumed twice.
  assert.match((await call('listJobs', {})).find((j: { id: number }) => j.id === jobId).state, /^(queued|running)$/);
  await assert.rejects(call('resumeJob', { jobId }), /already queued or running/);
  await until(() => events.some((e) => e.event.type === 'job-progress'));
  assert.equal((await call('listJobs', {})).find((j: { id: number }) => j.id === jobId).state, 'running');
  await until(() => finished(jobId, 'done'));
  const steps = events.filter((e) => e.event.type === 'job-progress').map((e) => (e.event as { progress: { step: number } }).progress.step);
  assert.ok(steps[0] > 6, `resumed after the checkpoint, not from zero (first step ${steps[0]})`);
  assert.equal(steps.at(-1), 30);
});

test('a transcription job reads every line in the background; review and suggestions rank the unlabeled ones', async () => {
  events = [];
  const [model] = await call('listModels', {});
  const { jobId } = await call('startTranscription', { modelId: model.id });
  await until(() => finished(jobId, 'done') || finished(jobId, 'failed'));
  assert.ok(finished(jobId, 'done'), JSON.stringify(events.filter((e) => e.event.type === 'job-changed')));
  const info = await call('projectInfo', {});
  const review = await call('reviewLines', { limit: 1000 });
  assert.equal(review.length, info.lines - info.labeled, 'every unlabeled line has a reading to proofread');
  const confidences = review.map((r: { confidence: number }) => r.confidence);
  assert.deepEqual(
    confidences,
    [...confidences].sort((a, b) => a - b),
    'least confident first',
  );
  const documents = await call('listDocuments', {});
  const pages = (await Promise.all(documents.map((d: { id: number }) => call('listPages', { documentId: d.id })))).flat();
  assert.equal(
    pages.reduce((n: number, p: { predicted: number }) => n + p.predicted, 0),
    info.lines - info.labeled,
    'page lists count predicted lines',
  );
  const suggested = await call('suggestLines', { limit: 5 });
  assert.equal(suggested.length, 5);
  assert.equal(suggested[0].lineId, review[0].lineId, 'the most uncertain line is suggested first');
});

test('an evaluation job measures a model on the test split and keeps the result with the model', async () => {
  events = [];
  const [model] = await call('listModels', {});
  const info = await call('projectInfo', {});
  // Put a few labeled lines in the test split explicitly, as the UI does.
  const labeledIds = Array.from({ length: info.lines }, (_, i) => i + 1).slice(0, 6);
  assert.deepEqual(await call('setSplit', { lineIds: labeledIds, split: 'test' }), { changed: 6 });
  const { jobId } = await call('startEvaluation', { modelId: model.id, split: 'test' });
  await until(() => finished(jobId, 'done') || finished(jobId, 'failed'));
  const job = (await call('listJobs', {})).find((j: { id: number }) => j.id === jobId);
  assert.equal(job.state, 'done', job.error);
  assert.match(job.log, /test split, \d+ lines: CER [\d.]+ %/);
  const evaluated = (await call('listModels', {})).find((m: { id: number }) => m.id === model.id);
  assert.ok(evaluated.metrics.testCer >= 0 && evaluated.metrics.testLines >= 6);
});
