// A job's stored config is checked with the API's schemas (shared/job-configs.ts) when it
// resumes and in its worker: a damaged config fails with the job and field named and
// never runs with undefined values; `quire resume` runs a transcription or evaluation
// again, as Resume does in the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseJobConfig } from '../../../shared/job-configs.ts';
import type { QuireEvent } from '../../../shared/api.ts';
import { JobRunner } from '../../../main/jobs/runner.ts';
import { getJob } from '../../../main/jobs/jobs.ts';
import { ensureBaseModel } from '../../../main/models/base-model.ts';
import { Project } from '../../../main/project/project.ts';
import { writeLineFolder } from '../../helpers/line-project.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const quire = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

const insertJob = (project: Project, kind: string, state: string, config: unknown) =>
  Number(
    project.db
      .prepare('INSERT INTO jobs (kind, state, config, progress) VALUES (?, ?, ?, ?)')
      .run(kind, state, JSON.stringify(config), '{}').lastInsertRowid,
  );

test('stored configs of every kind parse, older shapes included; a damaged one names the job and field', () => {
  assert.deepEqual(parseJobConfig({ id: 1, kind: 'transcribe', config: { modelId: 2, pageIds: null } }), {
    modelId: 2,
    pageIds: undefined,
  });
  assert.deepEqual(parseJobConfig({ id: 1, kind: 'evaluate', config: { kind: 'evaluate', modelId: 2 } }), {
    kind: 'evaluate',
    modelId: 2,
    split: 'test',
  });
  assert.equal(parseJobConfig({ id: 1, kind: 'segment', config: { kind: 'segment', steps: 3 } }).steps, 3);
  assert.equal(parseJobConfig({ id: 1, kind: 'finetune', config: { kind: 'finetune', steps: 3, threads: 2 } }).threads, 2);
  assert.throws(
    () => parseJobConfig({ id: 4, kind: 'transcribe', config: { modelId: 'two' } }),
    /^Error: job 4 \(transcribe\) has an invalid config: modelId: /,
  );
  assert.throws(() => parseJobConfig({ id: 5, kind: 'evaluate', config: {} }), /job 5 \(evaluate\) has an invalid config: modelId/);
  assert.throws(() => parseJobConfig({ id: 6, kind: 'segment', config: { steps: 0 } }), /job 6 \(segment\) has an invalid config: steps/);
  assert.throws(
    () => parseJobConfig({ id: 7, kind: 'finetune', config: { kind: 'pretrain', steps: 3 } }),
    /job 7 \(finetune\) has an invalid config: kind/,
    'a training config of the other kind is refused',
  );
});

test('resuming a job whose stored config was tampered with is refused, naming the field, and leaves the job as it was', async () => {
  const project = newProject();
  const runner = new JobRunner(project, () => {}, 'cli');
  try {
    const reading = insertJob(project, 'transcribe', 'failed', { kind: 'transcribe', modelId: 'x' });
    assert.throws(() => runner.resume(reading), new RegExp(`job ${reading} \\(transcribe\\) has an invalid config: modelId`));
    const evaluation = insertJob(project, 'evaluate', 'cancelled', { kind: 'evaluate', modelId: 1, split: 'dev' });
    assert.throws(() => runner.resume(evaluation), new RegExp(`job ${evaluation} \\(evaluate\\) has an invalid config: split`));
    const training = insertJob(project, 'finetune', 'interrupted', { kind: 'finetune', steps: -1 });
    assert.throws(() => runner.resume(training), /has an invalid config: steps/);
    assert.deepEqual(
      [reading, evaluation, training].map((id) => getJob(project, id).state),
      ['failed', 'cancelled', 'interrupted'],
    );
    assert.deepEqual(runner.live(), { running: undefined, waiting: [] }, 'nothing was queued');
  } finally {
    await runner.stop();
    project.close();
  }
});

test('a queued job whose config is damaged fails in its worker with the field named', async () => {
  const project = newProject();
  const id = insertJob(project, 'transcribe', 'queued', { kind: 'transcribe', pageIds: [1] });
  const events: QuireEvent[] = [];
  // The app's runner takes over the queued job at once.
  const runner = new JobRunner(project, (e) => events.push(e));
  try {
    const deadline = Date.now() + 60_000;
    while (!events.some((e) => e.type === 'job-changed' && e.jobId === id && e.state === 'failed')) {
      assert.ok(Date.now() < deadline, 'the job fails');
      await new Promise((r) => setTimeout(r, 50));
    }
    const job = getJob(project, id);
    assert.equal(job.state, 'failed');
    assert.match(job.error ?? '', new RegExp(`job ${id} \\(transcribe\\) has an invalid config: modelId`));
  } finally {
    await runner.stop();
    project.close();
  }
});

test('quire resume runs a stopped transcription or evaluation again and prints its result', async () => {
  const dir = join(tempDir(), 'p');
  assert.equal(quire('init', dir).status, 0);
  assert.equal(quire('import', dir, '--lines', await writeLineFolder(3, 3), '--split', 'test').status, 0);
  const project = Project.open(dir);
  const modelId = ensureBaseModel(project).id;
  // As the app leaves them: stopped before the end (a transcription cancelled, an evaluation cut off).
  const reading = insertJob(project, 'transcribe', 'cancelled', { kind: 'transcribe', modelId });
  const evaluation = insertJob(project, 'evaluate', 'interrupted', { kind: 'evaluate', modelId, split: 'test' });
  project.close();

  const read = quire('resume', dir, String(reading), '--json');
  assert.equal(read.status, 0, read.stderr);
  const readings = read.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    readings.map((r) => r.source),
    ['l000.png', 'l001.png', 'l002.png'],
  );
  const evaluated = quire('resume', dir, String(evaluation), '--json');
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  assert.equal(report.lines, 3);
  assert.ok(report.cer >= 0 && report.chars > 0);
  const jobs = JSON.parse(quire('jobs', dir, '--json').stdout);
  assert.deepEqual(
    jobs.map((j: { id: number; state: string }) => [j.id, j.state]),
    [
      [reading, 'done'],
      [evaluation, 'done'],
    ],
  );
  const model = JSON.parse(quire('models', dir, '--json').stdout)[0];
  assert.equal(model.metrics.testCer, report.cer, 'the evaluation is kept with the model, as from the app');
});
