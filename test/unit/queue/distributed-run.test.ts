// The enqueuing side of a distributed job reads what workers answer through Redis: an answer
// it does not understand is logged and the job still ends from the readings stored, rather
// than the run hanging on a thrown error; an end the store refuses to record is still told. No Redis here: the queue is a stand-in that only
// takes the parts (the events are fed as BullMQ's QueueEvents would route them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queue } from 'bullmq';
import type { QuireEvent } from '../../../shared/api.ts';
import { upsertPrediction } from '../../../main/db/predictions.ts';
import { createJob, getJob } from '../../../main/jobs/jobs.ts';
import { lineIdsOf } from '../../../main/jobs/transcription.ts';
import { Project } from '../../../main/project/project.ts';
import { DistributedRun } from '../../../main/queue/distributed-run.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';

test('a part whose worker answers something malformed still ends the job, logged, counted from the stored readings', async () => {
  const made = await manyLinesProject(4, { pages: 1 });
  const project = Project.open(made.dir);
  try {
    const config = { modelId: made.modelId, pageIds: undefined };
    const job = createJob(project, 'transcribe', config, 'queued');
    let queued = 0;
    const queue = { addBulk: async (tasks: unknown[]) => void (queued += tasks.length) } as unknown as Queue;
    const settings = { redisUrl: 'redis://127.0.0.1:1', chunkSize: 2, attempts: 1, backoffMs: 0 };
    const run = new DistributedRun(project, () => {}, job.id, config, settings, queue);
    await run.start();
    assert.equal(queued, 2);
    // The workers stored every line, then answered.
    for (const lineId of lineIdsOf(project))
      upsertPrediction(project.db, lineId, made.modelId, { text: 'x', confidence: 1, charConfidence: '[]' }, job.id);
    await run.onEvent(0, { type: 'completed', returnvalue: { written: 2, skipped: 0, worker: 'w:1', seconds: 0.5 } });
    await run.onEvent(1, { type: 'completed', returnvalue: { written: 'two' } });
    await run.end;
    const ended = getJob(project, job.id);
    assert.equal(ended.state, 'done');
    assert.match(ended.log, /part 2\/2 \(lines \d+-\d+\): finished; its worker's answer is not understood: .*written/);
    assert.match(ended.log, /read 4 lines/);
  } finally {
    project.close();
  }
});

test('a job end the store refuses to record is still told, as a failure naming why, and the run ends', async () => {
  const made = await manyLinesProject(2, { pages: 1 });
  const project = Project.open(made.dir);
  try {
    // The store refuses only the final write (as a store busy past its timeout would).
    project.db.exec(
      "CREATE TRIGGER refuse_done BEFORE UPDATE ON jobs WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'the store refuses'); END",
    );
    const config = { modelId: made.modelId, pageIds: undefined };
    const job = createJob(project, 'transcribe', config, 'queued');
    const queue = { addBulk: async () => {} } as unknown as Queue;
    const events: QuireEvent[] = [];
    const settings = { redisUrl: 'redis://127.0.0.1:1', chunkSize: 2, attempts: 1, backoffMs: 0 };
    const run = new DistributedRun(project, (e) => events.push(e), job.id, config, settings, queue);
    await run.start();
    for (const lineId of lineIdsOf(project))
      upsertPrediction(project.db, lineId, made.modelId, { text: 'x', confidence: 1, charConfidence: '[]' }, job.id);
    await run.onEvent(0, { type: 'completed', returnvalue: { written: 2, skipped: 0, worker: 'w:1', seconds: 0.5 } });
    await run.end;
    const last = events.at(-1) as Extract<QuireEvent, { type: 'job-changed' }>;
    assert.deepEqual([last.type, last.jobId, last.state], ['job-changed', job.id, 'failed']);
    assert.match(last.error ?? '', new RegExp(`the end of job ${job.id} could not be recorded: the store refuses`));
  } finally {
    project.close();
  }
});

test('the last part ends the job even when its log line cannot be written', async () => {
  const made = await manyLinesProject(2, { pages: 1 });
  const project = Project.open(made.dir);
  try {
    project.db.exec(
      "CREATE TRIGGER refuse_part_log BEFORE UPDATE ON jobs WHEN NEW.log LIKE '%by w:1 in%' BEGIN SELECT RAISE(ABORT, 'the store refuses'); END",
    );
    const config = { modelId: made.modelId, pageIds: undefined };
    const job = createJob(project, 'transcribe', config, 'queued');
    const queue = { addBulk: async () => {} } as unknown as Queue;
    const settings = { redisUrl: 'redis://127.0.0.1:1', chunkSize: 2, attempts: 1, backoffMs: 0 };
    const run = new DistributedRun(project, () => {}, job.id, config, settings, queue);
    await run.start();
    for (const lineId of lineIdsOf(project))
      upsertPrediction(project.db, lineId, made.modelId, { text: 'x', confidence: 1, charConfidence: '[]' }, job.id);
    const answer = { written: 2, skipped: 0, worker: 'w:1', seconds: 0.5 };
    await assert.rejects(run.onEvent(0, { type: 'completed', returnvalue: answer }), /the store refuses/);
    await run.end;
    assert.equal(getJob(project, job.id).state, 'done');
  } finally {
    project.close();
  }
});
