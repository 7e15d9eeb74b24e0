// quire train --semi-supervised: killed with SIGKILL in its second round, `quire resume`
// continues from the last checkpoint, with the first round's pseudo-labels kept (nothing is
// read again) and no step repeated or lost, and ends with the model id as JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeLineFolder } from '../../helpers/line-project.ts';
import { tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const quire = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const events = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test('a semi-supervised job killed with SIGKILL resumes in its round and finishes with model_id', async () => {
  const dir = join(tempDir(), 'p');
  quire('init', dir);
  assert.equal(quire('import', dir, '--lines', await writeLineFolder(24, 8)).status, 0);
  const args = [
    'train',
    dir,
    '--from',
    'base',
    '--semi-supervised',
    '--rounds',
    '2',
    '--threshold',
    '0.5',
    '--pseudo-weight',
    '0.3',
    '--steps',
    '16',
    '--batch',
    '4',
    '--threads',
    '1',
    '--checkpoint-every',
    '2',
    '--json',
  ];
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  // 8 steps a round: step 11 is the third of round 2; its last checkpoint is at step 10.
  const deadline = Date.now() + 240_000;
  while (!out.includes('"phase":"round 2/2","step":11,') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  assert.ok(existsSync(join(dir, 'checkpoints', 'job-1.qmodel')), 'a checkpoint was written before the kill');
  assert.ok(out.includes('"phase":"round 2/2: reading unlabeled lines"'), 'round 2 read the lines before the kill');
  assert.equal(JSON.parse(quire('jobs', dir, '--json').stdout)[0].state, 'interrupted');

  const resumed = quire('resume', dir, '1', '--json');
  assert.equal(resumed.status, 0, resumed.stderr);
  const lines = events(resumed.stdout);
  const progress = lines.filter((e) => e.type === 'progress');
  assert.ok(
    progress.every((e) => e.phase === 'round 2/2'),
    'resumed inside round 2, without reading the lines again',
  );
  const steps = progress.map((e) => e.step);
  assert.deepEqual(
    steps,
    Array.from({ length: 6 }, (_, i) => 11 + i),
    'steps 11 to 16, none repeated or lost',
  );
  const result = lines.at(-1);
  assert.equal(result.type, 'result');
  assert.equal(typeof result.model_id, 'number');
  assert.deepEqual(result.metrics.pseudoLabeled.length, 2);

  const [job] = JSON.parse(quire('jobs', dir, '--json').stdout);
  assert.equal(job.state, 'done');
  assert.equal(job.modelId, result.model_id);
  assert.match(job.log, /resumed in round 2 at step 2/);
  assert.match(job.log, /read with the language model/, 'the teacher reads with the language model by default');
  const model = JSON.parse(quire('models', dir, '--json').stdout).find((m: { id: number }) => m.id === result.model_id);
  assert.deepEqual(
    model.trainingSet.pseudoLabeled.map((r: { round: number }) => r.round),
    [1, 2],
  );
  // The options given reach the run (and are recorded with its version).
  assert.deepEqual(
    { ...model.config.selfTraining, stepsPerRound: undefined, labeledAugmentation: undefined },
    { rounds: 2, threshold: 0.5, pseudoWeight: 0.3, languageModel: true, stepsPerRound: undefined, labeledAugmentation: undefined },
  );
  assert.equal(JSON.parse(quire('ls', dir, '--json').stdout).counts.labeled, 8, 'machine readings never count as labels');
  assert.equal(quire('train', dir, '--rounds', '2').status, 2, '--rounds without --semi-supervised is refused');
  assert.equal(quire('train', dir, '--no-lm').status, 2, '--no-lm without --semi-supervised is refused');
});
