// `quire segment`: classical or model segmentation of a project's pages from the command
// line, never removing a transcribed line, with reading order kept around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { saveSegmenter } from '../../../main/layout/seg-model-file.ts';
import { initBackend } from '../../../main/ml/backend.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { Project } from '../../../main/project/project.ts';
import { saveTranscription } from '../../../main/api/pages.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const quire = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('quire segment finds lines, and segmenting again (classical or a model) never removes a transcribed line', async () => {
  const root = tempDir();
  const dir = join(root, 'p');
  assert.equal(quire('init', dir).status, 0);
  const scan = join(root, 'scan.png');
  const page = await writeSynthPage(4, scan);
  assert.equal(quire('import', dir, scan).status, 0);
  const first = quire('segment', dir, '--model', 'classical', '--json');
  assert.equal(first.status, 0, first.stderr);
  const report = JSON.parse(first.stdout);
  assert.equal(report.segmenter, 'classical');
  assert.ok(Math.abs(report.added - page.lines.length) <= 1, `${report.added} lines for ${page.lines.length}`);

  const project = Project.open(dir);
  const api = createService(project);
  const [doc] = await api.listDocuments({});
  const [p] = await api.listPages({ documentId: doc.id });
  const lines = (await api.getPage({ pageId: p.id })).lines;
  await api.saveTranscription({ lineId: lines[1].id, text: 'never lost' });
  project.close();

  // An untrained model finds arbitrary lines or none: the transcribed line must survive either way.
  await initBackend();
  const model = join(root, 'untrained.qseg');
  saveSegmenter(model, new SegNet({ levels: [4, 8], outputs: 4 }, 2), 256);
  for (const choice of ['classical', model]) {
    const again = quire('segment', dir, '--pages', String(p.id), '--model', choice, '--json');
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).keptLabeled, 1);
    const reopened = Project.open(dir);
    const after = (await createService(reopened).getPage({ pageId: p.id })).lines;
    reopened.close();
    assert.equal(after.filter((l) => l.text === 'never lost').length, 1, `with ${choice}`);
  }
  // Without --model: the bundled model, which finds the text block as a region.
  const byDefault = quire('segment', dir, '--json');
  assert.equal(byDefault.status, 0, byDefault.stderr);
  const defaultReport = JSON.parse(byDefault.stdout);
  assert.equal(defaultReport.segmenter, 'bundled');
  assert.equal(defaultReport.fallback, undefined);
  assert.equal(defaultReport.keptLabeled, 1);
  assert.ok(defaultReport.regions >= 1);
  const wrong = quire('segment', dir, '--pages', '999');
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /no page 999/);
});

test('quire train-segmenter fine-tunes a model on the transcribed pages, which quire segment then uses', async () => {
  const root = tempDir();
  const dir = join(root, 'p');
  assert.equal(quire('init', dir).status, 0);
  const scan = join(root, 'scan.png');
  await writeSynthPage(5, scan, { width: 600, lines: 4 });
  assert.equal(quire('import', dir, scan).status, 0);
  assert.equal(quire('segment', dir, '--model', 'classical').status, 0);
  const none = quire('train-segmenter', dir, '--steps', '2');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no corrected pages/);
  const project = Project.open(dir);
  for (const l of project.db.prepare('SELECT id FROM lines').all() as Array<{ id: number }>)
    saveTranscription(project, l.id, `line ${l.id}`);
  project.close();
  await initBackend();
  const tiny = join(root, 'tiny.qseg');
  saveSegmenter(tiny, new SegNet({ levels: [4, 8], outputs: 4 }, 2), 256);
  const out = join(root, 'mine.qseg');
  // Paths relative to the folder the command runs in are kept as absolute ones: a resume run
  // from elsewhere (or the app's Resume) writes where this command was asked to.
  const trained = spawnSync(
    process.execPath,
    [CLI, 'train-segmenter', dir, '--from', 'tiny.qseg', '--steps', '3', '--out', 'mine.qseg', '--json'],
    {
      encoding: 'utf8',
      cwd: root,
    },
  );
  assert.equal(trained.status, 0, trained.stderr);
  const result = JSON.parse(trained.stdout.trim().split('\n').at(-1)!);
  assert.equal(result.file, out);
  assert.equal(result.pages, 1);
  const again = quire('segment', dir, '--model', out, '--json');
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).segmenter, out);
});
