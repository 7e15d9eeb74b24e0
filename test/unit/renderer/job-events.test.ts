// A window's view of the jobs moves on with the events: progress makes a job running
// whatever an older listing said, a job that stops loses its progress (no ETA after a
// cancel), and a fresh listing keeps progress only for running jobs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSummary } from '../../../shared/api.ts';
import { applyJobEvent, applyListing, emptyJobs, progressLine, type JobProgress } from '../../../renderer/src/lib/job-events.ts';

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
  assert.equal(progressLine(view.jobs[0], view.progress[1]), 'Fine-tuning · step 5/100 · ETA 30 s');
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
