// Segmenter fine-tuning as an app job: the API request queues it in the job runner, it runs
// in the worker thread with progress (step, loss), writes the project's segmenter, which
// "Find lines" then runs by name ("project:<jobId>"); a cancelled one writes no model and
// is resumed from its checkpoint; a name that is not a finished segmenter job of the project, or a path, is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createService } from '../../../main/api/service.ts';
import { JobRunner } from '../../../main/jobs/runner.ts';
import { projectSegmenterFile } from '../../../main/layout/project-segmenters.ts';
import { segmenterCheckpointPath } from '../../../main/jobs/segmenter-training.ts';
import { parseRequest, type QuireEvent } from '../../../shared/api.ts';
import { addCorrectedPages } from '../../helpers/corrected-pages.ts';
import { newProject } from '../../helpers/project.ts';

async function until(predicate: () => boolean, what: string, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('startSegmenterTraining runs a job whose segmenter Find lines offers and runs as project:<id>', async () => {
  const project = newProject();
  const events: QuireEvent[] = [];
  const runner = new JobRunner(project, (e) => events.push(e));
  const api = createService(project, (e) => events.push(e), runner);
  const ended = (jobId: number) =>
    events.find((e) => e.type === 'job-changed' && e.jobId === jobId && ['done', 'failed', 'cancelled'].includes(e.state));
  try {
    await assert.rejects(api.startSegmenterTraining({ steps: 2 }), /no corrected pages/);
    const pages = await addCorrectedPages(api);
    assert.deepEqual(await api.listSegmenters({}), { correctedPages: 2, segmenters: [] });
    assert.equal(parseRequest('startSegmenterTraining', {}).steps, 100, 'the default steps (chosen by the K-page bench)');

    const { jobId } = await api.startSegmenterTraining({ steps: 2 });
    await until(() => !!ended(jobId), `job ${jobId}`);
    assert.equal((ended(jobId) as { state: string }).state, 'done', JSON.stringify(ended(jobId)));
    const steps = events.flatMap((e) => (e.type === 'job-progress' && e.progress.jobId === jobId ? [e.progress] : []));
    assert.equal(steps.at(-1)?.step, 2);
    assert.ok(steps.every((p) => p.steps === 2 && p.phase === 'segmenter' && Number.isFinite(p.loss) && p.loss > 0));
    const [listed] = (await api.listSegmenters({})).segmenters;
    assert.deepEqual(
      { ...listed, finishedAt: typeof listed.finishedAt },
      { choice: `project:${jobId}`, jobId, finishedAt: 'string', pages: 2, steps: 2 },
    );

    const report = await api.segmentPages({ pageIds: [pages[2].id], segmenter: `project:${jobId}` });
    assert.equal(report.segmenter, `project:${jobId}`);
    assert.equal(report.fallback, undefined);
    assert.equal(report.keptLabeled, 4, 'the transcribed lines stay');

    // Names of no finished segmenter job are refused; a path never gets past the schema.
    await assert.rejects(api.segmentPages({ pageIds: [pages[2].id], segmenter: 'project:999' }), /no segmenter was fine-tuned by job 999/);
    assert.throws(() => parseRequest('segmentPages', { pageIds: [1], segmenter: projectSegmenterFile(project, jobId) }), /segmenter/);
    assert.throws(() => parseRequest('segmentRegion', { regionId: 1, segmenter: 'project:../1' }), /segmenter/);

    // Cancelled while it runs: no model yet, a checkpoint; Resume continues from it.
    const second = (await api.startSegmenterTraining({ steps: 10_000 })).jobId;
    const progressOf = (id: number) =>
      events.flatMap((e) => (e.type === 'job-progress' && e.progress.jobId === id ? [e.progress.step] : []));
    await until(() => progressOf(second).length > 0, `progress of job ${second}`);
    await api.cancelJob({ jobId: second });
    await until(() => !!ended(second), `job ${second} to stop`);
    assert.equal((ended(second) as { state: string }).state, 'cancelled');
    assert.equal(existsSync(projectSegmenterFile(project, second)), false);
    const stoppedAt = Math.max(...progressOf(second));
    assert.ok(existsSync(segmenterCheckpointPath(project.root, second)), 'its checkpoint is kept');
    events.length = 0;
    await api.resumeJob({ jobId: second });
    await until(() => progressOf(second).length > 0, `progress of job ${second} resumed`);
    assert.ok(progressOf(second)[0] > stoppedAt, `resumed after step ${stoppedAt}, at ${progressOf(second)[0]}`);
    await api.cancelJob({ jobId: second });
    await until(() => !!ended(second), `job ${second} to stop again`);
    await assert.rejects(api.segmentPages({ pageIds: [pages[2].id], segmenter: `project:${second}` }), /is cancelled/);
    assert.deepEqual(
      (await api.listSegmenters({})).segmenters.map((s) => s.jobId),
      [jobId],
    );
  } finally {
    await runner.stop();
    project.close();
  }
});
