// `quire worker --database URL --files DIR`: a worker reads the parts of a transcription job of
// a team server's PostgreSQL store (a project moved there by `quire migrate`), its line crops
// and the model's weights from the shared folder of files, and writes one reading per line,
// the same readings as the desktop's transcription of the same project. A task naming a store
// the worker was not given, or files elsewhere, is refused at once and that store never
// written. Real PostgreSQL and Redis from the Debian packages; skipped, saying why, without them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { dataset } from '../../../main/db/dataset.ts';
import { serverRunner } from '../../../main/db/pg/execute.ts';
import { openServerStore } from '../../../main/db/pg/store.ts';
import { predictions } from '../../../main/db/predictions.ts';
import { jobRecords } from '../../../main/jobs/jobs.ts';
import { transcribe } from '../../../main/jobs/transcription.ts';
import { Project } from '../../../main/project/project.ts';
import { moveProject } from '../../../main/project/move-project.ts';
import { storeUrl } from '../../../main/queue/allowed-stores.ts';
import { connectionFor, QUEUE_NAME, type Task } from '../../../main/queue/tasks.ts';
import { quireProcess, stopAll } from '../../helpers/cli-process.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';
import { tempDir } from '../../helpers/project.ts';
import { redisSkip, startRedis } from '../../helpers/redis.ts';
import { settled } from '../../helpers/queue-tasks.ts';

const skip = postgresMissing ?? redisSkip;
const database = postgresForThisFile();
const redisUrl = skip ? '' : (await startRedis()).url;

test(
  'a worker given a server store reads its job’s parts: one reading per line, the desktop’s readings; other stores are refused',
  { skip },
  async () => {
    const made = await manyLinesProject(150, { pages: 2, labeled: 10 });
    const files = join(tempDir(), 'files');
    const url = await database();
    await moveProject({ from: made.dir, to: url, files });
    // The desktop's transcription of the same project, for the readings to compare.
    const project = Project.open(made.dir);
    let desktop: Map<number, { text: string; confidence: number }>;
    try {
      const read = await transcribe(project, made.modelId, { threads: 1 });
      desktop = new Map(read.map((r) => [r.lineId, { text: r.text, confidence: r.confidence }]));
    } finally {
      project.close();
    }

    const store = await openServerStore(url, { existing: true });
    const run = serverRunner(store);
    const other = await database();
    const queue = new Queue(QUEUE_NAME, { connection: connectionFor(redisUrl) });
    try {
      const job = await run(jobRecords.create('transcribe', { modelId: made.modelId, pageIds: null }, 'running'));
      const lineIds = (await run(dataset.linesToRead())).map((l) => l.id);
      assert.equal(lineIds.length, 150);
      const ref = { kind: 'postgres' as const, url: storeUrl(url), files };
      const task = (index: number, of: number, ids: number[], store = ref): Task => ({
        v: 1,
        store,
        jobId: job.id,
        kind: 'transcribe',
        config: { modelId: made.modelId, pageIds: null },
        part: { index, of, lineIds: ids },
      });
      // Given with a password (the test server trusts local connections, so any is taken): the
      // tasks name the store without it, and the worker shows it masked, never in the clear.
      const withPassword = url.replace('postgres://postgres@', 'postgres://postgres:s3cret@');
      assert.notEqual(withPassword, url);
      const worker = quireProcess([
        'worker',
        ...['--redis', redisUrl, '--database', withPassword, '--files', dirname(files), '--lock-ms', '2000', '--threads', '1'],
      ]);
      await worker.waitFor(/takes tasks/);
      assert.match(worker.output(), /for server stores --database postgres:\/\/postgres:\*\*\*@\S+ with files under /);

      const parts = [lineIds.slice(0, 60), lineIds.slice(60, 120), lineIds.slice(120)];
      for (const [i, ids] of parts.entries()) await queue.add('transcribe', task(i, parts.length, ids), { jobId: `pg-${i}`, attempts: 3 });
      // A store the worker was not given, and files outside its --files folder: refused at the first try.
      await queue.add('transcribe', task(0, 1, lineIds, { ...ref, url: storeUrl(other) }), { jobId: 'other-store', attempts: 3 });
      await queue.add('transcribe', task(0, 1, lineIds, { ...ref, files: tempDir() }), { jobId: 'other-files', attempts: 3 });

      for (const [i, ids] of parts.entries()) {
        const done = await settled(queue, `pg-${i}`, 120_000);
        assert.equal(await done.getState(), 'completed', done.failedReason);
        assert.equal(done.returnvalue.written, ids.length);
      }
      const refusedStore = await settled(queue, 'other-store');
      assert.equal(await refusedStore.getState(), 'failed');
      assert.equal(refusedStore.attemptsMade, 1, 'not retried');
      assert.match(
        refusedStore.failedReason,
        /^server store postgres:\/\/.* is not one this worker may open \(--database postgres:.*\); the task is refused$/,
      );
      const refusedFiles = await settled(queue, 'other-files');
      assert.equal(refusedFiles.attemptsMade, 1, 'not retried');
      assert.match(
        refusedFiles.failedReason,
        /^files folder .* is outside the folders this worker may open \(--files .*\); the task is refused$/,
      );

      assert.doesNotMatch(worker.output(), /s3cret/, 'no password in the worker’s log');
      assert.doesNotMatch(refusedStore.failedReason, /s3cret/);
      assert.equal(await run(predictions.jobReadingCount(job.id)), 150, 'one reading per line for the job');
      const stored = await run(predictions.modelReadings(made.modelId));
      assert.equal(stored.length, 150);
      for (const r of stored) {
        const expected = desktop.get(r.lineId)!;
        assert.equal(r.text, expected.text, `line ${r.lineId}`);
        assert.ok(Math.abs(r.confidence - expected.confidence) < 1e-9, `line ${r.lineId}: ${r.confidence} ≠ ${expected.confidence}`);
      }
      const untouched = await openServerStore(other);
      try {
        assert.equal((await untouched.query('SELECT count(*)::int AS n FROM predictions')).rows[0].n, 0, 'the other store is not written');
      } finally {
        await untouched.end();
      }
    } finally {
      await stopAll();
      await queue.close();
      await store.end();
    }
  },
);
