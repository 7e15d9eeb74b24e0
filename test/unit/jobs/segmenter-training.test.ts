// Fine-tuning a segmentation model on a project's corrected pages (every line transcribed):
// its loss falls over a few steps on a tiny page set, the model is written to the project
// and segments pages, the run is recorded as a job, and a run stopped part way continues
// from its checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { listJobs } from '../../../main/jobs/jobs.ts';
import { correctedPageIds, segmenterCheckpointPath, trainProjectSegmenter } from '../../../main/jobs/segmenter-training.ts';
import { loadSegmenter, saveSegmenter } from '../../../main/layout/seg-model-file.ts';
import { resolveSegmenter } from '../../../main/layout/segmenters.ts';
import { segmentPages } from '../../../main/layout/segment-pages.ts';
import { initBackend } from '../../../main/ml/backend.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { addCorrectedPages } from '../../helpers/corrected-pages.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

test('a segmenter fine-tunes on the corrected pages of a project: the loss falls, the model is saved and segments', async () => {
  const dir = tempDir();
  const project = newProject();
  const api = createService(project);
  try {
    const pages = await addCorrectedPages(api);
    assert.deepEqual(
      correctedPageIds(project),
      pages.slice(0, 2).map((p) => p.id),
    );

    await initBackend();
    const start = join(dir, 'tiny.qseg');
    saveSegmenter(start, new SegNet({ levels: [4, 8, 8], outputs: 4 }, 2), 256);
    const result = await trainProjectSegmenter(project, { from: start, steps: 30, batchSize: 2, crop: 64, learningRate: 1e-2 });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.equal(result.pages, 2);
    assert.equal(result.losses.length, 30);
    assert.ok(result.losses.every(Number.isFinite));
    assert.ok(
      mean(result.losses.slice(-5)) < 0.8 * mean(result.losses.slice(0, 5)),
      `loss ${mean(result.losses.slice(0, 5))} → ${mean(result.losses.slice(-5))}`,
    );
    assert.ok(result.file.startsWith(join(project.root, 'segmenters')) && existsSync(result.file));
    const job = listJobs(project).find((j) => j.id === result.jobId)!;
    assert.equal(job.state, 'done');
    assert.match(job.log, /fine-tuned on 2 corrected page/);
    // The fine-tuned model is a segmenter like any other .qseg file.
    const report = await segmentPages(project, [pages[2].id], { segmenter: await resolveSegmenter(result.file) });
    assert.equal(report.segmenter, result.file);
    assert.equal(report.keptLabeled, (await api.getPage({ pageId: pages[2].id })).lines.filter((l) => l.text !== null).length);
  } finally {
    project.close();
  }
});

test('without corrected pages the job fails and says why', async () => {
  const project = newProject();
  try {
    await assert.rejects(trainProjectSegmenter(project, { steps: 2 }), /no corrected pages/);
    const [job] = listJobs(project);
    assert.equal(job.state, 'failed');
  } finally {
    project.close();
  }
});

test('a segmenter job stopped part way continues from its checkpoint to the weights of a run never stopped', async () => {
  const dir = tempDir();
  const project = newProject();
  const api = createService(project);
  try {
    await addCorrectedPages(api);
    await initBackend();
    const start = join(dir, 'tiny.qseg');
    saveSegmenter(start, new SegNet({ levels: [4, 8, 8], outputs: 4 }, 2), 256);
    const options = { from: start, steps: 16, batchSize: 2, crop: 64, learningRate: 1e-2, threads: 1 };
    const straight = await trainProjectSegmenter(project, { ...options, out: join(dir, 'straight.qseg') });

    // Cancelled after step 13 (a checkpoint at step 10, and one at the cancel).
    const stop = new AbortController();
    const out = join(dir, 'resumed.qseg');
    await assert.rejects(
      trainProjectSegmenter(project, { ...options, out, signal: stop.signal, onStep: (step) => void (step === 12 && stop.abort()) }),
      /cancelled/,
    );
    const jobId = listJobs(project).at(-1)!.id;
    const checkpoint = segmenterCheckpointPath(project.root, jobId);
    assert.ok(existsSync(checkpoint) && !existsSync(out), 'a checkpoint, no model');
    assert.equal(listJobs(project).at(-1)!.state, 'cancelled');

    const steps: number[] = [];
    const resumed = await trainProjectSegmenter(project, { ...options, out, jobId, onStep: (step) => void steps.push(step) });
    assert.equal(steps[0], 13, 'the run continues after the step it stopped at');
    assert.equal(resumed.losses.length, 16, 'the losses of both sittings');
    assert.match(listJobs(project).at(-1)!.log, /resumed at step 13 \(its checkpoint\)/);
    assert.equal(existsSync(checkpoint), false, 'the finished run removes its checkpoint');
    const [a, b] = [loadSegmenter(straight.file), loadSegmenter(out)];
    for (const [name, w] of a.net.weights) {
      const [x, y] = [Array.from(w.dataSync()), Array.from(b.net.weights.get(name)!.dataSync())];
      const worst = x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
      assert.ok(worst < 1e-5, `${name} differs by ${worst}`);
    }
    a.net.dispose();
    b.net.dispose();
  } finally {
    project.close();
  }
});
