// A line removed while a transcription job runs (an archivist deletes it on another page) is
// skipped, counted and reported; the job finishes with the rest, as a queue worker's part does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobReadingCount } from '../../../main/db/predictions.ts';
import { createJob, getJob } from '../../../main/jobs/jobs.ts';
import { readAndStore } from '../../../main/jobs/read-lines.ts';
import { lineIdsOf, transcribe } from '../../../main/jobs/transcription.ts';
import { archiveAndDelete } from '../../../main/layout/line-archive.ts';
import type { LineReader } from '../../../main/ml/line-reader.ts';
import { Project } from '../../../main/project/project.ts';
import { folderStore } from '../../../main/project/project-store.ts';
import { manyLinesProject, openWithReader } from '../../helpers/many-lines.ts';

test('a transcription job finishes when a line it listed is removed during the run', async () => {
  const made = await manyLinesProject(300, { pages: 2, labeled: 0 });
  const project = Project.open(made.dir);
  const ids = lineIdsOf(project);
  const job = createJob(project, 'transcribe', { modelId: made.modelId, pageIds: null }, 'queued');
  let removed = false;
  const written = await transcribe(project, made.modelId, {
    jobId: job.id,
    threads: 1,
    onProgress: () => {
      // After the first batch: a line of a later batch goes.
      if (!removed) archiveAndDelete(project, ids.at(-1)!, 'deleted');
      removed = true;
    },
  });
  assert.equal(written.length, ids.length - 1);
  assert.equal(jobReadingCount(project.db, job.id), ids.length - 1);
  const row = getJob(project, job.id);
  assert.equal(row.state, 'done');
  assert.match(row.log, /1 line removed during the run was skipped/);
  project.close();
});

test('readAndStore skips lines removed before their batch is cut and while it is read', async () => {
  const made = await manyLinesProject(40, { pages: 1, labeled: 0 });
  const { project, model, reader } = await openWithReader(made);
  try {
    const ids = lineIdsOf(project);
    const job = createJob(project, 'transcribe', { modelId: made.modelId });
    const target = { jobId: job.id, modelId: made.modelId, height: model.config.height, decoding: 1 };
    archiveAndDelete(project, ids[3], 'deleted'); // gone before its batch
    let calls = 0;
    const racing: LineReader = {
      engine: reader.engine,
      stop: async () => {},
      readLines: async (...args) => {
        // Gone while its batch (the second) is read, after it was cut: its reading has no line to go to.
        if (++calls === 2) archiveAndDelete(project, ids[25], 'deleted');
        return reader.readLines(...args);
      },
    };
    const result = await readAndStore(folderStore(project), racing, target, ids, { batch: 20 });
    assert.equal(result.written.length, ids.length - 2);
    assert.equal(result.gone, 2);
    assert.equal(jobReadingCount(project.db, job.id), ids.length - 2);
  } finally {
    await reader.stop();
    project.close();
  }
});
