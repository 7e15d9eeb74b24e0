// The project's fine-tuned segmenters by name: listed newest first (finished jobs with their
// model only), and a name resolves only to the model of a finished segmenter job inside the
// project: never another kind of job, a missing file, or a link out of the project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJob, updateJob } from '../../../main/jobs/jobs.ts';
import { listProjectSegmenters, projectSegmenterFile, projectSegmenterModel } from '../../../main/layout/project-segmenters.ts';
import { folderStore } from '../../../main/project/project-store.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

test('project segmenters are finished segment jobs with their model in the project, newest first', async () => {
  const project = newProject();
  try {
    const done = (kind: 'segment' | 'finetune') => createJob(project, kind, {}, 'done').id;
    const [older, recognizer, newer, noFile, linked] = [
      done('segment'),
      done('finetune'),
      done('segment'),
      done('segment'),
      done('segment'),
    ];
    const failed = createJob(project, 'segment', {}, 'running').id;
    updateJob(project, failed, { state: 'failed', error: 'stopped' });
    mkdirSync(join(project.root, 'segmenters'));
    for (const id of [older, newer, failed]) writeFileSync(projectSegmenterFile(project, id), 'model');
    updateJob(project, newer, { progress: { step: 5, steps: 5, loss: 0.1, pages: 3 } });
    const outside = join(tempDir(), 'elsewhere.qseg');
    writeFileSync(outside, 'model');
    symlinkSync(outside, projectSegmenterFile(project, linked));

    assert.deepEqual(
      (await listProjectSegmenters(project)).map((s) => [s.choice, s.pages, s.steps]),
      [
        [`project:${newer}`, 3, 5],
        [`project:${older}`, null, null],
      ],
    );
    const store = folderStore(project);
    assert.equal(await projectSegmenterModel(store, newer), projectSegmenterFile(project, newer));
    await assert.rejects(projectSegmenterModel(store, recognizer), /no segmenter was fine-tuned by job/);
    await assert.rejects(projectSegmenterModel(store, 999), /no segmenter was fine-tuned by job 999/);
    await assert.rejects(projectSegmenterModel(store, failed), /is failed: it has no model/);
    await assert.rejects(projectSegmenterModel(store, noFile), /missing from/);
    await assert.rejects(projectSegmenterModel(store, linked), /missing from/, 'a link out of the project is refused');
  } finally {
    project.close();
  }
});
