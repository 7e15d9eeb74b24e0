// Issue #16, items 10 to 14: files as other tools write them import as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { importFiles, importLineFolder } from '../../../main/import/import-images.ts';
import { openGray } from '../../../main/images/decode.ts';
import { exportProject } from '../../../main/export/export-project.ts';
import { orient } from '../../../main/import/page-grid.ts';
import { Project } from '../../../main/project/project.ts';
import type { Point } from '../../../main/io/layout.ts';
import { png } from '../../helpers/images.ts';
import { altoXml, pageXml, write, type TestLine } from '../../helpers/layout-files.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const splits = (p: Project) => (p.db.prepare('SELECT split FROM lines ORDER BY id').all() as Array<{ split: string }>).map((r) => r.split);
const manyLines = (n: number): TestLine[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `l${i}`,
    points: `10,${i * 10} 90,${i * 10} 90,${i * 10 + 8} 10,${i * 10 + 8}`,
    text: `line ${i}`,
  }));

test('item 10: an ALTO file named .alto (kraken, eScriptorium) and a PNG with another name are told apart by content', async () => {
  const dir = tempDir();
  write(dir, 'scan.png', await png(100, 50));
  const alto = write(dir, 'scan.alto', altoXml({ image: 'scan.png', width: 100, height: 50 }));
  const odd = write(tempDir(), 'photo.dat', await png(30, 30, '#123456'));
  const project = newProject();
  const report = await importFiles(project, [dir, odd]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(
    report.imported.map((d) => [d.file, d.lines]),
    [
      [alto, 1],
      [odd, 0],
    ],
  );
});

test('item 11: PAGE with the https:// namespace of Transkribus TRP imports, says so, and exports the canonical namespace', async () => {
  const dir = tempDir();
  write(dir, 'trp.png', await png(100, 50));
  const xml = write(
    dir,
    'trp.xml',
    pageXml({ image: 'trp.png', width: 100, height: 50, namespace: 'https://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15' }),
  );
  const project = newProject();
  const report = await importFiles(project, [xml]);
  assert.deepEqual(report.failed, []);
  assert.equal(report.imported[0].lines, 1);
  assert.ok(
    report.warnings.some((w) =>
      /namespace declared as https:\/\/schema\.primaresearch\.org\/PAGE\/gts\/pagecontent\/2013-07-15 .*read as http:\/\//.test(w.message),
    ),
  );
  const out = join(tempDir(), 'out');
  const { files } = await exportProject(project, { format: 'page', out });
  const written = readFileSync(
    files.find((f) => f.endsWith('.xml'))!,
    'utf8',
  );
  assert.match(written, /xmlns="http:\/\/schema\.primaresearch\.org\/PAGE\/gts\/pagecontent\/2019-07-15"/);
  assert.doesNotMatch(written, /https:/);
});

test('item 12: --split applies to PAGE files; the default split follows content, not the path', async () => {
  const root = tempDir();
  const a = join(root, 'first', 'copy');
  mkdirSync(a, { recursive: true });
  write(a, 'page.png', await png(100, 400));
  write(a, 'page.xml', pageXml({ image: 'page.png', width: 100, height: 400, lines: manyLines(40) }));
  const lines = join(a, 'lines');
  mkdirSync(lines);
  for (let i = 0; i < 30; i++) write(lines, `l${i}.png`, await png(40, 10, `#${(i * 8).toString(16).padStart(2, '0')}8080`));
  const b = join(root, 'elsewhere');
  cpSync(a, b, { recursive: true });

  const [p1, p2] = [newProject(), newProject()];
  await importFiles(p1, [join(a, 'page.xml')]);
  await importFiles(p2, [join(b, 'page.xml')]);
  await importLineFolder(p1, lines);
  await importLineFolder(p2, join(b, 'lines'));
  assert.deepEqual(splits(p1), splits(p2), 'the same files from another path get the same splits');
  assert.ok(new Set(splits(p1)).size > 1, 'the default is still a mix of splits');

  const dir = join(root, 'p');
  Project.init(dir).close();
  const run = spawnSync(process.execPath, [CLI, 'import', dir, '--split', 'test', join(a, 'page.xml')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const db = new Database(join(dir, 'quire.db'), { readonly: true });
  const cli = (db.prepare('SELECT split FROM lines').all() as Array<{ split: string }>).map((r) => r.split);
  db.close();
  assert.equal(cli.length, 40);
  assert.deepEqual([...new Set(cli)], ['test']);
});

/** A white page with a black block, stored `w`×`h` with EXIF orientation `o`. */
const marked = (w: number, h: number, block: { x: number; y: number; w: number; h: number }, o: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: '#ffffff' } })
    .composite([
      { input: { create: { width: block.w, height: block.h, channels: 3, background: '#000000' } }, left: block.x, top: block.y },
    ])
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: o })
    .toBuffer();

test('item 13: orient() turns stored-grid points exactly as sharp turns the pixels, for every EXIF orientation', async () => {
  for (let o = 1; o <= 8; o++) {
    const shown = await sharp(await marked(30, 20, { x: 2, y: 3, w: 4, h: 4 }, o))
      .rotate()
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The centre of the block, turned, must be dark in the shown image.
    const [x, y] = orient(o, 30, 20)([4, 5] as Point);
    const at = (Math.floor(y) * shown.info.width + Math.floor(x)) * shown.info.channels;
    assert.ok(shown.data[at] < 60, `orientation ${o}: (${x}, ${y}) is ${shown.data[at]}`);
  }
});

test('item 13: a JPEG with EXIF orientation 6 whose XML describes the stored grid keeps its lines on the ink', async () => {
  const dir = tempDir();
  const block = { x: 40, y: 50, w: 180, h: 30 };
  write(dir, 'turned.jpg', await marked(300, 200, block, 6));
  const points = `${block.x},${block.y} ${block.x + block.w},${block.y} ${block.x + block.w},${block.y + block.h} ${block.x},${block.y + block.h}`;
  write(dir, 'turned.xml', pageXml({ image: 'turned.jpg', width: 300, height: 200, lines: [{ id: 'ink', points, text: 'ink' }] }));
  const project = newProject();
  const report = await importFiles(project, [dir]);
  assert.deepEqual(report.failed, []);
  assert.ok(report.warnings.some((w) => /as stored \(300×200, before its EXIF orientation 6\); coordinates were turned/.test(w.message)));
  const row = project.db
    .prepare(
      'SELECT p.image_hash AS hash, p.width, p.height, l.box_x AS x, l.box_y AS y, l.box_w AS w, l.box_h AS h FROM lines l JOIN pages p ON p.id = l.page_id',
    )
    .get() as Record<string, number | string>;
  assert.deepEqual([row.width, row.height], [200, 300]);
  assert.deepEqual([row.w, row.h], [block.h, block.w], 'the box is turned, not stretched');
  // (stats() would ignore extract(): crop to a buffer first.)
  const cut = await openGray(project.images, String(row.hash))
    .extract({ left: Number(row.x) + 3, top: Number(row.y) + 3, width: Number(row.w) - 6, height: Number(row.h) - 6 })
    .png()
    .toBuffer();
  const crop = await sharp(cut).stats();
  assert.ok(crop.channels[0].mean < 40, `the line's box covers the ink (mean ${crop.channels[0].mean.toFixed(0)})`);
});

test('item 14: every skipped file is listed with the reason', async () => {
  const dir = tempDir();
  const first = write(dir, 'a.png', await png(60, 40, '#222'));
  const twin = write(dir, 'b.png', await png(60, 40, '#222'));
  write(dir, 'scan.png', await png(100, 50));
  const xml = write(dir, 'scan.xml', pageXml({ image: 'scan.png', width: 100, height: 50 }));
  const project = newProject();
  const once = await importFiles(project, [dir]);
  assert.deepEqual(once.duplicates, [{ file: twin, reason: `same content as ${first}, earlier in this import` }]);
  const again = await importFiles(project, [dir]);
  assert.equal(again.imported.length, 0);
  const reasons = Object.fromEntries(again.duplicates.map((d) => [d.file.slice(dir.length + 1), d.reason]));
  assert.equal(reasons['a.png'], `already in the project as document "a" (from ${first})`);
  assert.equal(reasons['b.png'], `already in the project as document "a" (from ${first})`);
  assert.equal(reasons['scan.xml'], `already in the project as document "scan" (from ${xml})`);
  assert.equal(reasons['scan.png'], `the page image of ${xml}, which is already in the project`);
});
