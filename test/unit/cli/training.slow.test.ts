// The training chain through the quire command on generated handwriting:
// pretrain → train --from → models with lineage, and a training job killed with SIGKILL
// that resumes from its checkpoint with a continuous step counter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeLineFolder } from '../../helpers/line-project.ts';
import { tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const quire = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

async function projectWithLines(count: number, labeled: number): Promise<string> {
  const dir = join(tempDir(), 'p');
  quire('init', dir);
  assert.equal(quire('import', dir, '--lines', await writeLineFolder(count, labeled)).status, 0);
  return dir;
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

test('pretrain, then train from the pretrained model: versions with lineage, config and metrics', async () => {
  const dir = await projectWithLines(40, 30);
  const pre = quire('pretrain', dir, '--steps', '4', '--batch', '8', '--augmentations', 'strong', '--json');
  assert.equal(pre.status, 0, pre.stderr);
  const pretrained = lastJson(pre.stdout);
  assert.equal(pretrained.type, 'result');
  const tr = quire('train', dir, '--from', String(pretrained.model_id), '--steps', '6', '--batch', '8', '--threads', '2', '--json');
  assert.equal(tr.status, 0, tr.stderr);
  const trained = lastJson(tr.stdout);
  assert.ok(
    tr.stdout.split('\n').some((l) => l.includes('"type":"progress"')),
    'progress as JSON lines',
  );
  const models = JSON.parse(quire('models', dir, '--json').stdout);
  assert.deepEqual(
    models.map((m: { id: number; kind: string; parentId: number | null }) => [m.id, m.kind, m.parentId]),
    [
      [pretrained.model_id, 'pretrain', null],
      [trained.model_id, 'finetune', pretrained.model_id],
    ],
  );
  assert.equal(models[0].config.mapping, 'window');
  assert.equal(models[0].config.augmentations, 'strong');
  assert.ok(Array.isArray(models[1].trainingSet) && models[1].trainingSet.length > 0, 'records which lines and revisions trained it');
  assert.equal(typeof models[1].metrics.validationCer, 'number');
  const read = quire('transcribe', dir, '--model', String(trained.model_id), '--json');
  assert.equal(read.status, 0, read.stderr);
  const records = read.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(records.length, 40);
  assert.match(records[0].source, /^l\d{3}\.png$/);
  assert.ok(records.every((r: { confidence: number }) => r.confidence >= 0 && r.confidence <= 1));
  // The same lines read with the language model (beam search, the project's texts mixed in).
  const withLm = quire('transcribe', dir, '--model', String(trained.model_id), '--lm', '--json');
  assert.equal(withLm.status, 0, withLm.stderr);
  assert.equal(withLm.stdout.trim().split('\n').length, 40);
  assert.equal(JSON.parse(quire('ls', dir, '--json').stdout).counts.labeled, 30, 'predictions never become labels');
  const ev = JSON.parse(quire('eval', dir, '--model', String(trained.model_id), '--split', 'train', '--json').stdout);
  assert.ok(ev.cer >= 0 && ev.chars > 0 && Array.isArray(ev.confusions));
  const evaluated = JSON.parse(quire('models', dir, '--json').stdout).find((m: { id: number }) => m.id === trained.model_id);
  assert.equal(evaluated.metrics.trainCer, ev.cer, 'quire eval keeps the result with the model, as the app does');
  const suggested = JSON.parse(quire('suggest', dir, '--model', String(trained.model_id), '-n', '5', '--json').stdout);
  assert.equal(suggested.length, 5);
  const jobs = JSON.parse(quire('jobs', dir, '--json').stdout);
  assert.deepEqual(
    jobs.map((j: { kind: string; state: string }) => [j.kind, j.state]),
    [
      ['pretrain', 'done'],
      ['finetune', 'done'],
      ['transcribe', 'done'],
      ['transcribe', 'done'],
      // quire eval is a job, as the app's Evaluate is (it used to run without one).
      ['evaluate', 'done'],
    ],
  );
});

test('a training job killed with SIGKILL resumes from its checkpoint without repeating or losing steps', async () => {
  const dir = await projectWithLines(24, 24);
  const child = spawn(
    process.execPath,
    [CLI, 'train', dir, '--steps', '40', '--batch', '4', '--threads', '1', '--checkpoint-every', '5', '--json'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const checkpoint = join(dir, 'checkpoints', 'job-1.qmodel');
  const deadline = Date.now() + 240_000;
  while (!out.includes('"step":12,') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  assert.ok(existsSync(checkpoint), 'a checkpoint was written before the kill');
  const jobs = JSON.parse(quire('jobs', dir, '--json').stdout);
  assert.equal(jobs[0].state, 'interrupted');
  const resumed = quire('resume', dir, '1', '--json');
  assert.equal(resumed.status, 0, resumed.stderr);
  const steps = resumed.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === 'progress')
    .map((e) => e.step);
  assert.equal(steps[0], 11, 'continues after the last checkpoint (step 10)');
  assert.deepEqual(
    steps,
    Array.from({ length: steps.length }, (_, i) => 11 + i),
    'no repeated or lost steps',
  );
  assert.ok(steps.at(-1)! <= 40);
  const after = JSON.parse(quire('jobs', dir, '--json').stdout);
  assert.equal(after[0].state, 'done');
  assert.equal(JSON.parse(quire('ls', dir, '--json').stdout).counts.labeled, 24, 'no transcription lost');
});

test('quire cancel stops a running training job with a checkpoint, leaving it resumable', async () => {
  const dir = await projectWithLines(24, 24);
  const child = spawn(
    process.execPath,
    [CLI, 'train', dir, '--steps', '400', '--batch', '4', '--threads', '1', '--checkpoint-every', '100', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  const deadline = Date.now() + 240_000;
  while (!out.includes('"step":6,') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const cancel = spawnSync(process.execPath, [CLI, 'cancel', dir, '1'], { encoding: 'utf8' });
  assert.equal(cancel.status, 0, cancel.stderr);
  assert.match(cancel.stdout, /job 1 cancelled; resume with/);
  assert.equal(await exited, 130, 'the training process ends as stopped on request');
  const [job] = JSON.parse(quire('jobs', dir, '--json').stdout);
  assert.equal(job.state, 'cancelled');
  assert.ok(existsSync(join(dir, 'checkpoints', 'job-1.qmodel')), 'cancel writes a checkpoint even between the scheduled ones');
  const again = quire('cancel', dir, '1');
  assert.equal(again.status, 2);
  assert.match(again.stderr, /job 1 is cancelled, not queued or running/);
});
