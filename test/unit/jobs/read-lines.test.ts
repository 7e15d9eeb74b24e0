// Each line is stored once per job however often its chunk is read: a chunk redone after its
// worker died skips the lines it had stored, and a line another worker stored meanwhile is
// kept as that worker wrote it. Another job's reading of a line replaces the older one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentText } from '../../../main/db/transcriptions.ts';
import { jobReadingCount, linesReadByJob, modelReadings, upsertPrediction } from '../../../main/db/predictions.ts';
import { createJob } from '../../../main/jobs/jobs.ts';
import { readAndStore } from '../../../main/jobs/read-lines.ts';
import { lineIdsOf } from '../../../main/jobs/transcription.ts';
import type { LineReader } from '../../../main/ml/line-reader.ts';
import { Project } from '../../../main/project/project.ts';
import { folderStore } from '../../../main/project/project-store.ts';
import { manyLinesProject, openWithReader } from '../../helpers/many-lines.ts';

test('a redone chunk skips the lines its job stored; a line stored meanwhile by another worker is kept; another job replaces', async () => {
  const made = await manyLinesProject(60, { pages: 1, labeled: 5 });
  const { project, model, reader } = await openWithReader(made);
  try {
    const ids = lineIdsOf(project);
    assert.equal(ids.length, 60);
    const store = folderStore(project);
    const job = createJob(project, 'transcribe', { modelId: made.modelId });
    const target = { jobId: job.id, modelId: made.modelId, height: model.config.height, decoding: 1 };

    const first = await readAndStore(store, reader, target, ids.slice(0, 40), { batch: 16 });
    assert.equal(first.written.length, 40);
    assert.equal(first.skipped, 0);
    // The worker of lines 20-59 died after storing 20-39: its chunk, redone, reads only the rest.
    const redo = await readAndStore(store, reader, target, ids.slice(20), { batch: 16 });
    assert.deepEqual(
      redo.written.map((r) => r.lineId),
      ids.slice(40),
    );
    assert.equal(redo.skipped, 20);
    assert.equal(jobReadingCount(project.db, job.id), 60);

    // Two workers on one chunk (one was thought dead): what the other stored while this one read stays.
    const again = createJob(project, 'transcribe', { modelId: made.modelId });
    const racing: LineReader = {
      engine: reader.engine,
      stop: async () => {},
      readLines: async (...args) => {
        for (const id of ids.slice(0, 10)) {
          upsertPrediction(project.db, id, made.modelId, { text: 'the other worker', confidence: 1, charConfidence: '[]' }, again.id);
        }
        return reader.readLines(...args);
      },
    };
    const raced = await readAndStore(store, racing, { ...target, jobId: again.id }, ids.slice(0, 20), { batch: 20 });
    assert.equal(raced.skipped, 10, 'lines the other worker stored are skipped in the write itself');
    assert.deepEqual(
      raced.written.map((r) => r.lineId),
      ids.slice(10, 20),
    );
    const readings = new Map(modelReadings(project.db, made.modelId).map((r) => [r.lineId, r.text]));
    assert.ok(ids.slice(0, 10).every((id) => readings.get(id) === 'the other worker'));
    assert.equal(jobReadingCount(project.db, again.id), 20, 'the second job replaced the first job’s readings of its lines');
    assert.equal(jobReadingCount(project.db, job.id), 40);
    for (const [lineId, text] of made.labeled) assert.equal(currentText(project.db, lineId), text, 'human text untouched');
  } finally {
    await reader.stop();
    project.close();
  }
});

test('which lines a job has read is answered for more lines than one SQLite statement takes (a distributed job ends on it)', async () => {
  const made = await manyLinesProject(3, { pages: 1 });
  const project = Project.open(made.dir);
  try {
    const ids = lineIdsOf(project);
    const job = createJob(project, 'transcribe', { modelId: made.modelId });
    for (const id of ids.slice(0, 2))
      upsertPrediction(project.db, id, made.modelId, { text: 'x', confidence: 1, charConfidence: '[]' }, job.id);
    // 40,000 ids (SQLite's limit is 32,766 values), the read ones last.
    const asked = [...Array.from({ length: 40_000 }, (_, i) => 1_000_000 + i), ...ids];
    assert.deepEqual([...linesReadByJob(project.db, job.id, asked)].sort(), ids.slice(0, 2).sort());
  } finally {
    project.close();
  }
});
