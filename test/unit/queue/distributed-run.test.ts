// The enqueuing side of a distributed job reads what workers answer through Redis: an answer
// it does not understand is logged and the job still ends from the readings stored, rather
// than the run hanging on a thrown error; an end the store refuses to record is still told.
// No Redis here: the queue is a stand-in that only takes the parts (the events are fed as
// BullMQ's QueueEvents would route them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queue } from 'bullmq';
import type { QuireEvent } from '../../../shared/api.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { upsertPrediction } from '../../../main/db/predictions.ts';
import { createJob, getJob } from '../../../main/jobs/jobs.ts';
import { lineIdsOf } from '../../../main/jobs/transcription.ts';
import { Project } from '../../../main/project/project.ts';
import { DistributedRun } from '../../../main/queue/distributed-run.ts';
import { transcriptionParts } from '../../../main/queue/transcription-run.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';

/** The project folder as a run's store. */
const storeOf = (project: Project) => ({ run: desktopRunner(() => project.db), ref: { kind: 'sqlite' as const, root: project.root } });

const ANSWER = { written: 2, skipped: 0, worker: 'w:1', seconds: 0.5 };

/**
 * A run of a job over `lines` lines in parts of two, started, every line read by the workers
 * (their answers are the test's to send); `refuse` is a condition on the jobs row the store
 * then refuses to write (as a store busy past its timeout would).
 */
async function startedRun(t: { after: (fn: () => void) => void }, lines: number, refuse?: string) {
  const made = await manyLinesProject(lines, { pages: 1 });
  const project = Project.open(made.dir);
  t.after(() => project.close());
  if (refuse)
    project.db.exec(`CREATE TRIGGER refuse BEFORE UPDATE ON jobs WHEN ${refuse} BEGIN SELECT RAISE(ABORT, 'the store refuses'); END`);
  const config = { modelId: made.modelId, pageIds: undefined };
  const job = createJob(project, 'transcribe', config, 'queued');
  const queued: unknown[] = [];
  const queue = { addBulk: async (tasks: unknown[]) => void queued.push(...tasks) } as unknown as Queue;
  const events: QuireEvent[] = [];
  const settings = { redisUrl: 'redis://127.0.0.1:1', chunkSize: 2, attempts: 1, backoffMs: 0 };
  const store = storeOf(project);
  const run = new DistributedRun(store, (e) => events.push(e), job.id, transcriptionParts(store, job.id, config, 2), settings, queue);
  await run.start();
  assert.equal(queued.length, Math.ceil(lines / 2));
  for (const lineId of lineIdsOf(project))
    upsertPrediction(project.db, lineId, made.modelId, { text: 'x', confidence: 1, charConfidence: '[]' }, job.id);
  return { project, job, run, events };
}

test('a part whose worker answers something malformed still ends the job, logged, counted from the stored readings', async (t) => {
  const { project, job, run } = await startedRun(t, 4);
  await run.onEvent(0, { type: 'completed', returnvalue: ANSWER });
  await run.onEvent(1, { type: 'completed', returnvalue: { written: 'two' } });
  await run.end;
  const ended = getJob(project, job.id);
  assert.equal(ended.state, 'done');
  assert.match(ended.log, /part 2\/2 \(lines \d+-\d+\): finished; its worker's answer is not understood: .*written/);
  assert.match(ended.log, /read 4 lines/);
});

test('a job end the store refuses to record is still told, as a failure naming why, and the run ends', async (t) => {
  const { job, run, events } = await startedRun(t, 2, "NEW.state = 'done'");
  await run.onEvent(0, { type: 'completed', returnvalue: ANSWER });
  await run.end;
  const last = events.at(-1) as Extract<QuireEvent, { type: 'job-changed' }>;
  assert.deepEqual([last.type, last.jobId, last.state], ['job-changed', job.id, 'failed']);
  assert.match(last.error ?? '', new RegExp(`the end of job ${job.id} could not be recorded: the store refuses`));
});

test('the last part ends the job even when its log line cannot be written', async (t) => {
  const { project, job, run } = await startedRun(t, 2, "NEW.log LIKE '%by w:1 in%'");
  await assert.rejects(run.onEvent(0, { type: 'completed', returnvalue: ANSWER }), /the store refuses/);
  await run.end;
  assert.equal(getJob(project, job.id).state, 'done');
});

test('parts whose end events never came are found ended by the state poll, and the run ends', async (t) => {
  const made = await manyLinesProject(4, { pages: 1 });
  const project = Project.open(made.dir);
  t.after(() => project.close());
  const config = { modelId: made.modelId, pageIds: undefined };
  const job = createJob(project, 'transcribe', config, 'queued');
  // Redis's view: both parts completed by a worker; no event is ever routed to the run.
  const ids: string[] = [];
  const queue = {
    addBulk: async (tasks: Array<{ opts: { jobId: string } }>) => void ids.push(...tasks.map((x) => x.opts.jobId)),
    getJob: async (id: string) =>
      ids.includes(id) ? { getState: async () => 'completed', returnvalue: ANSWER, failedReason: '' } : undefined,
  } as unknown as Queue;
  const settings = { redisUrl: 'redis://127.0.0.1:1', chunkSize: 2, attempts: 1, backoffMs: 0, pollMs: 20 };
  const store = storeOf(project);
  const run = new DistributedRun(store, () => {}, job.id, transcriptionParts(store, job.id, config, 2), settings, queue);
  // The poll's timer is unref'd (a real run's Redis connections keep the process up): stand in for them.
  const alive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(alive));
  for (const lineId of lineIdsOf(project))
    upsertPrediction(project.db, lineId, made.modelId, { text: 'x', confidence: 1, charConfidence: '[]' }, job.id);
  await run.start();
  await run.end;
  const ended = getJob(project, job.id);
  assert.equal(ended.state, 'done');
  assert.match(ended.log, /read 4 lines/);
});
