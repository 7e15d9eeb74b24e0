// The quire command as a user runs it (a child process), text and --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { png } from '../../helpers/images.ts';
import { tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';
import { createJob } from '../../../main/jobs/jobs.ts';
import { Project } from '../../../main/project/project.ts';
import { saveTinyVersion } from '../../helpers/tiny-model.ts';

const quire = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('init, import with one broken file, and ls --json', async () => {
  const root = tempDir();
  const dir = join(root, 'p');
  assert.equal(quire('init', dir).status, 0);
  writeFileSync(join(root, 'good.png'), await png());
  writeFileSync(join(root, 'broken.png'), 'nope');
  const imp = quire('import', dir, join(root, 'good.png'), join(root, 'broken.png'));
  assert.equal(imp.status, 1, 'non-zero exit when a file failed');
  assert.match(imp.stdout, /FAILED .*broken\.png: not a readable image/);
  const lines = join(root, 'lines');
  mkdirSync(lines);
  writeFileSync(join(lines, 'a.png'), await png(100, 30, '#eee'));
  writeFileSync(join(lines, 'a.gt.txt'), 'hello');
  writeFileSync(join(lines, 'b.png'), await png(100, 30, '#ddd'));
  assert.equal(quire('import', dir, '--lines', lines, '--split', 'test').status, 0);
  const ls = quire('ls', dir, '--json');
  assert.equal(ls.status, 0);
  const info = JSON.parse(ls.stdout);
  assert.deepEqual(
    info.counts,
    { documents: 2, pages: 1, lines: 2, labeled: 1, unlabeled: 1 },
    'the two line images count as lines, not as pages',
  );
  assert.deepEqual(
    info.documents.map((d: { name: string; kind: string }) => [d.name, d.kind]),
    [
      ['good', 'scan'],
      ['lines', 'lines'],
    ],
  );
  assert.equal(info.documents[1].pageList.length, 2);

  // The line folder renamed, removed (out of ls, its label kept), listed as removed, restored.
  const lineDoc = info.documents[1].id as number;
  assert.equal(quire('document', 'rename', dir, String(lineDoc), 'Lines of 1723').stdout.trim(), `document ${lineDoc}: Lines of 1723`);
  assert.equal(quire('document', 'remove', dir, String(lineDoc)).status, 0);
  const ls2 = JSON.parse(quire('ls', dir, '--json').stdout);
  assert.deepEqual(ls2.counts, { documents: 1, pages: 1, lines: 0, labeled: 0, unlabeled: 0 });
  assert.equal(ls2.removed, 1);
  assert.match(quire('ls', dir).stdout, /\(and 1 removed document\(s\): quire document removed /);
  const removed = JSON.parse(quire('document', 'removed', dir, '--json').stdout);
  assert.deepEqual(
    removed.map((d: { id: number; name: string; labeled: number; removedBy: string }) => [d.id, d.name, d.labeled, d.removedBy]),
    [[lineDoc, 'Lines of 1723', 1, 'me']],
  );
  const again = quire('document', 'remove', dir, String(lineDoc));
  assert.equal(again.status, 2);
  assert.match(again.stderr, /document \d+ \("Lines of 1723"\) is already removed/);
  assert.deepEqual(JSON.parse(quire('document', 'restore', dir, String(lineDoc), '--json').stdout), {
    document_id: lineDoc,
    removed: false,
  });
  assert.deepEqual(JSON.parse(quire('ls', dir, '--json').stdout).counts, info.counts);
});

test('every command has --help, and errors are explained', () => {
  for (const cmd of ['init', 'import', 'ls']) {
    const r = quire(cmd, '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: quire/);
  }
  const r = quire('ls', join(tempDir(), 'nowhere'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /is not a Quire project/);
  assert.equal(quire('import', join(tempDir(), 'x'), '--split', 'train').status, 2);
});

test('pretrain refuses a choice it does not offer, names the choices, and records no model', () => {
  const dir = join(tempDir(), 'p');
  assert.equal(quire('init', dir).status, 0);
  for (const [option, value, choices] of [
    ['--mapping', 'diagonal', 'window, frame, all'],
    ['--head', 'cnn', 'mlp, bilstm, none'],
    ['--features', 'pixels', 'visual, contextual'],
    ['--augmentations', 'wild', 'mild, strong'],
  ]) {
    const r = quire('pretrain', dir, option, value, '--steps', '1');
    assert.equal(r.status, 2, `${option} ${value}`);
    assert.match(r.stderr, new RegExp(`${option}.*'${value}' is invalid. Allowed choices are ${choices}`));
  }
  assert.deepEqual(JSON.parse(quire('models', dir, '--json').stdout), []);
});

test('a request the API refuses, with --model base or --from base, leaves the project without the base model', () => {
  const dir = join(tempDir(), 'p');
  assert.equal(quire('init', dir).status, 0);
  for (const [args, message] of [
    [['train', dir, '--from', 'base', '--semi-supervised', '--rounds', '21'], /semiSupervised\.rounds/],
    [['train', dir, '--from', 'base', '--semi-supervised', '--rounds', '1'], /semiSupervised\.rounds/],
    [['train', dir, '--from', 'base', '--semi-supervised', '--pseudo-weight', '1'], /semiSupervised\.pseudoWeight/],
    [['train', dir, '--from', 'base', '--batch', '300'], /batchSize/],
    [['transcribe', dir, '--model', 'base', '--beam', '100000'], /beamWidth/],
    [['suggest', dir, '--model', '1', '--count', '5000'], /limit/],
    // Refused by the service, past the schema: the base model is added only once a request is accepted.
    [['train', dir, '--from', 'base', '--steps', '3'], /no labeled lines in the train split/],
    [['eval', dir, '--model', 'base'], /no labeled lines in the test split/],
    // Added now, the base model would have read nothing to rank lines by.
    [['suggest', dir, '--model', 'base'], /run `quire transcribe DIR --model base` first/],
  ] as const) {
    const r = quire(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.deepEqual(JSON.parse(quire('models', dir, '--json').stdout), []);
});

test('every option with a fixed set of values refuses another with exit 2 and names the set', () => {
  const dir = join(tempDir(), 'p');
  assert.equal(quire('init', dir).status, 0);
  for (const [args, choices] of [
    [['import', dir, '--lines', dir, '--split', 'dev'], 'train, validation, test'],
    [['eval', dir, '--model', '1', '--split', 'dev'], 'train, validation, test'],
    [['export', dir, '--format', 'docx', '--out', dir], 'page, alto, text, gt'],
  ] as const) {
    const r = quire(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, new RegExp(`'(dev|docx)' is invalid. Allowed choices are ${choices}`), args.join(' '));
  }
});

test('a number option refuses what is not a number with exit 2 and says which option (never NaN)', () => {
  const dir = join(tempDir(), 'p');
  assert.equal(quire('init', dir).status, 0);
  for (const args of [
    ['export', dir, '--format', 'text', '--out', join(dir, 'out'), '--model', 'abc'],
    ['train', dir, '--steps', '1.5'],
    ['transcribe', dir, '--model', 'latest'],
    ['train', dir, '--semi-supervised', '--threshold', '2'],
    // Page ids are checked as numbers too (they became NaN and matched nothing).
    ['transcribe', dir, '--model', '1', '--pages', '3', 'x'],
    ['segment', dir, '--pages', '0'],
  ]) {
    const r = quire(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /must be a (whole number|number from 0 to 1)/, args.join(' '));
  }
});

test('import detects PAGE/ALTO files, and export writes the chosen format', async () => {
  const { copyFileSync, readdirSync } = await import('node:fs');
  const sharp = (await import('sharp')).default;
  const root = tempDir();
  const dir = join(root, 'p');
  quire('init', dir);
  copyFileSync(new URL('../../fixtures/xml/alto-v4.xml', import.meta.url), join(root, 'alto-v4.xml'));
  await sharp({ create: { width: 900, height: 500, channels: 3, background: '#eee' } })
    .png()
    .toFile(join(root, 'letter_1802.png'));
  const imp = quire('import', dir, join(root, 'alto-v4.xml'), '--json');
  assert.equal(imp.status, 0, imp.stderr);
  assert.equal(JSON.parse(imp.stdout).imported[0].lines, 2);
  const out = join(root, 'out');
  const exp = quire('export', dir, '--format', 'page', '--out', out);
  assert.equal(exp.status, 0, exp.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['alto-v4.png', 'alto-v4.xml']);
  assert.equal(quire('export', dir, '--format', 'docx', '--out', out).status, 2);
});

test('model rename, export and delete, and cancel, print one JSON document with --json', async () => {
  const dir = join(tempDir(), 'p');
  assert.equal(quire('init', dir).status, 0);
  const project = Project.open(dir);
  const { id } = await saveTinyVersion(project);
  // A job that never ran: cancelled at once.
  const job = createJob(project, 'transcribe', {}, 'queued');
  project.close();
  const json = (...args: string[]) => {
    const r = quire(...args, '--json');
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as unknown;
  };
  assert.deepEqual(json('model', 'rename', dir, String(id), 'parish hand'), { model_id: id, name: 'parish hand' });
  const file = join(tempDir(), 'parish.qmodel');
  assert.deepEqual(json('model', 'export', dir, String(id), file), { model_id: id, file });
  assert.deepEqual(json('model', 'delete', dir, String(id)), { model_id: id, deleted: true });
  assert.deepEqual(json('cancel', dir, String(job.id)), { job_id: job.id, state: 'cancelled' });
});
