// A window's view of the jobs moves on with the events: progress makes a job running
// whatever an older listing said, a job that stops loses its progress (no ETA after a
// cancel) but says where it stopped, and a fresh listing keeps progress only for running
// jobs. An ETA waits for a few steps and seconds of measure; log lines read in local time;
// the loss chart's step axis ticks on whole steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSummary } from '../../../shared/api.ts';
import {
  applyJobEvent,
  applyListing,
  emptyJobs,
  logLine,
  progressLine,
  STEP_TICKS,
  stoppedLine,
  type JobProgress,
} from '../../../renderer/src/lib/job-events.ts';

const job = (id: number, state: string, kind = 'finetune'): JobSummary => ({
  id,
  kind,
  state,
  progress: {},
  error: null,
  log: '',
  modelId: null,
  config: {},
  createdAt: '',
  updatedAt: '',
  waiting: state === 'queued' ? 'waits for job 1' : null,
});
const progress = (jobId: number, step: number, etaSeconds = 30): JobProgress => ({
  jobId,
  phase: 'train',
  step,
  steps: 100,
  loss: 1,
  linesPerSecond: 2,
  etaSeconds,
});

test('progress of a job listed as queued or cancelled makes it running', () => {
  let view = applyListing(emptyJobs(), [job(1, 'queued'), job(2, 'cancelled')]);
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(1, 5) });
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(2, 40) });
  assert.deepEqual(
    view.jobs.map((j) => [j.state, j.waiting]),
    [
      ['running', null],
      ['running', null],
    ],
  );
  assert.equal(progressLine(view.jobs[0], view.progress[1]), 'Fine-tuning · step 5/100 · ETA estimating…');
});

test('a job that stops keeps no progress, so no ETA stays behind', () => {
  let view = applyListing(emptyJobs(), [job(1, 'running')]);
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(1, 50, 600) });
  view = applyJobEvent(view, { type: 'job-changed', jobId: 1, state: 'cancelled' });
  assert.equal(view.jobs[0].state, 'cancelled');
  assert.deepEqual(view.progress, {});
  view = applyJobEvent(view, { type: 'job-changed', jobId: 1, state: 'queued' });
  assert.equal(view.jobs[0].state, 'queued');
});

test('a progress event that arrives after the job was heard to stop is a late one: the job stays stopped, until it starts again', () => {
  let view = applyListing(emptyJobs(), [job(1, 'running')]);
  view = applyJobEvent(view, { type: 'job-changed', jobId: 1, state: 'cancelled' });
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(1, 5, 36) });
  assert.equal(view.jobs[0].state, 'cancelled');
  assert.deepEqual(view.progress, {});
  view = applyListing(view, [job(1, 'cancelled')]);
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(1, 6) });
  assert.equal(view.jobs[0].state, 'cancelled', 'a fresh listing does not forget the stop');
  view = applyJobEvent(view, { type: 'job-changed', jobId: 1, state: 'queued' });
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(1, 7) });
  assert.equal(view.jobs[0].state, 'running');
  assert.equal(view.progress[1].step, 7);
});

test('a listing keeps the progress of running jobs only', () => {
  let view = applyJobEvent(applyListing(emptyJobs(), [job(1, 'running'), job(2, 'running')]), {
    type: 'job-progress',
    progress: progress(1, 10),
  });
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(2, 10) });
  view = applyListing(view, [job(1, 'running'), job(2, 'done')]);
  assert.deepEqual(Object.keys(view.progress), ['1']);
  assert.equal(progressLine(job(3, 'running', 'transcribe'), undefined), 'Transcribing · starting');
});

test('no ETA before a few steps and seconds were measured: "estimating…" until then', () => {
  const running = job(1, 'running');
  const at = (step: number, etaSeconds: number, steps = 1000): JobProgress => ({ ...progress(1, step, etaSeconds), steps });
  // Step 1 of 1000, its warm-up taken for every step's time: not "ETA 3.8 h".
  assert.equal(progressLine(running, at(1, 13_680)), 'Fine-tuning · step 1/1000 · ETA estimating…');
  // Five steps, but under ten seconds of measure (0.1 s a step).
  assert.equal(progressLine(running, at(5, 99.5)), 'Fine-tuning · step 5/1000 · ETA estimating…');
  // Four steps of 10 s each: seconds enough, steps not.
  assert.equal(progressLine(running, at(4, 9960)), 'Fine-tuning · step 4/1000 · ETA estimating…');
  // Twenty steps of 2 s each: 40 s measured.
  assert.equal(progressLine(running, at(20, 1960)), 'Fine-tuning · step 20/1000 · ETA 33 min');
  assert.equal(progressLine(running, at(500, Infinity)), 'Fine-tuning · step 500/1000 · ETA estimating…', 'no rate known yet');
  // A job that makes no ETA (transcription) gets none, nor does one at its end.
  assert.equal(progressLine(job(2, 'running', 'transcribe'), { ...progress(2, 3, 0), phase: 'transcribe' }), 'Transcribing · line 3/100');
  assert.equal(progressLine(running, at(1000, 0)), 'Fine-tuning · step 1000/1000');
});

test('a job that stopped short says where: from the last progress heard, or else from its row', () => {
  let view = applyListing(emptyJobs(), [job(1, 'running'), job(2, 'running', 'transcribe')]);
  view = applyJobEvent(view, { type: 'job-progress', progress: { ...progress(1, 120), steps: 1000 } });
  view = applyJobEvent(view, { type: 'job-changed', jobId: 1, state: 'cancelled' });
  const cancelled = { ...job(1, 'cancelled'), progress: { step: 110, steps: 1000 } };
  view = applyListing(view, [cancelled, job(2, 'running', 'transcribe')]);
  assert.equal(stoppedLine(view.jobs[0], view.stoppedAt[1]), 'cancelled at step 120/1000', "the step heard last, past the row's");
  // Listed only (another window cancelled it, or the app was reopened): the row's step.
  assert.equal(stoppedLine(cancelled, undefined), 'cancelled at step 110/1000');
  assert.equal(
    stoppedLine({ ...job(2, 'interrupted', 'transcribe'), progress: { step: 30, steps: 200 } }, undefined),
    'interrupted at line 30/200',
  );
  // Nothing to say of a job that never reported a step, is done, or runs again.
  assert.equal(stoppedLine({ ...job(3, 'cancelled'), progress: { host: 'here' } }, undefined), null);
  assert.equal(stoppedLine({ ...job(4, 'done'), progress: { step: 40, steps: 40 } }, undefined), null);
  view = applyJobEvent(view, { type: 'job-changed', jobId: 1, state: 'queued' });
  assert.deepEqual(view.stoppedAt, {}, 'resumed: where it stopped before is history');
});

test('where a job stopped holds when the listing that says it stopped comes before the event', () => {
  let view = applyListing(emptyJobs(), [job(1, 'running')]);
  view = applyJobEvent(view, { type: 'job-progress', progress: progress(1, 7) });
  view = applyListing(view, [job(1, 'cancelled')]);
  assert.deepEqual(view.progress, {});
  assert.equal(stoppedLine(view.jobs[0], view.stoppedAt[1]), 'cancelled at step 7/100');
  view = applyJobEvent(view, { type: 'job-changed', jobId: 1, state: 'cancelled' });
  assert.equal(stoppedLine(view.jobs[0], view.stoppedAt[1]), 'cancelled at step 7/100', 'the late event keeps it');
});

test('log lines read in local time: the time today, the date and time before', () => {
  const now = new Date(2024, 4, 3, 18, 0, 0);
  const today = new Date(2024, 4, 3, 14, 3, 12).toISOString();
  const before = new Date(2024, 4, 1, 9, 5, 0).toISOString();
  assert.deepEqual(logLine(`${today} resumed from step 120`, now), { when: '14:03:12', iso: today, text: 'resumed from step 120' });
  assert.equal(logLine(`${before} done`, now).when, '2024-05-01 09:05:00');
  assert.deepEqual(logLine('backend: wasm', now), { when: null, iso: null, text: 'backend: wasm' });
  assert.deepEqual(logLine('', now), { when: null, iso: null, text: '' });
});

test("the loss chart's step axis ticks on whole steps only", () => {
  assert.ok(STEP_TICKS.every((t) => Number.isInteger(t) && t >= 1));
  assert.deepEqual(STEP_TICKS.slice(0, 6), [1, 2, 5, 10, 20, 50]);
  assert.ok(STEP_TICKS.at(-1)! >= 1_000_000, 'runs of any length');
});
