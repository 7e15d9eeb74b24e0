// The enqueuing side of a distributed job reads what workers answer through Redis: an answer
// it does not understand is logged and the job still ends from the readings stored, rather
// than the run hanging on a thrown error. No Redis here: the queue is a stand-in that only
// takes the parts (the events are fed as BullMQ's QueueEvents would route them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queue } from 'bullmq';
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
