// PAGE/ALTO through a project: import with images, export in every format, import again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFiles, importLineFolder } from '../../../main/import/import-images.ts';
import { createService } from '../../../main/api/service.ts';
import { exportProject } from '../../../main/export/export-project.ts';
import { exportFolderName } from '../../../shared/export-formats.ts';
import type { Project } from '../../../main/project/project.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { schemaErrors } from '../../helpers/xsd.ts';

const FIXTURES = new URL('../../fixtures/xml/', import.meta.url).pathname;

/** Copies a fixture next to a blank image of the size and name it declares. */
async function withImage(dir: string, fixture: string, image: string, width: number, height: number): Promise<string> {
  copyFileSync(join(FIXTURES, fixture), join(dir, fixture.replace(/^.*\//, '')));
  await sharp({ create: { width, height, channels: 3, background: '#e8e0d0' } })
    .png()
    .toFile(join(dir, image));
  return join(dir, fixture.replace(/^.*\//, ''));
}

function projectLines(project: Project) {
  return project.db
    .prepare(
      `SELECT l.polygon, l.baseline, ct.text, ct.source FROM lines l
    LEFT JOIN current_transcriptions ct ON ct.line_id = l.id ORDER BY l.page_id, l.reading_order`,
    )
    .all() as Array<{ polygon: string; baseline: string | null; text: string | null; source: string | null }>;
}

const round = (json: string | null) => (json ? (JSON.parse(json) as number[][]).map((p) => p.map(Math.round)) : null);

test('imports PAGE and ALTO files with their images, labels from the XML, warnings listed', async () => {
  const dir = tempDir();
  const files = [
    await withImage(dir, 'page-2019.xml', 'folio-12r.png', 800, 600),
    await withImage(dir, 'page-2013-transkribus.xml', '0003_scan.jpg', 1000, 700),
    await withImage(dir, 'alto-v4.xml', 'letter_1802.png', 900, 500),
  ];
  const project = newProject();
  const report = await importFiles(project, [dir]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(
    report.imported.map((d) => [d.file.replace(/^.*\//, ''), d.lines]),
    [
      ['alto-v4.xml', 2],
      ['page-2013-transkribus.xml', 6],
      ['page-2019.xml', 4],
    ],
  );
  // The repairs of the Transkribus file; and, for each file whose text carries a confidence, that it does.
  const read = report.warnings.filter((w) => /carry a recognition confidence/.test(w.message));
  assert.deepEqual(read.map((w) => w.file).sort(), [files[0], files[2]].sort());
  assert.equal(report.warnings.length - read.length, 5);
  assert.ok(report.warnings.filter((w) => !read.includes(w)).every((w) => w.file === files[1]));
  // The images belong to the XML documents; they are not imported again as bare scans.
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n, 3);
  const lines = projectLines(project).slice(8);
  assert.equal(lines[0].text, 'Anno 1743 the 4th of May');
  assert.equal(lines[0].source, 'import:page-2019.xml');
  assert.equal(lines[1].text, null, 'a line without text stays unlabeled');
  assert.equal((await importFiles(project, [dir])).duplicates.length, 6, 'the three XML files and their three images');
});

test('a malformed XML, or one whose image is missing, is refused and nothing of it is stored', async () => {
  const dir = tempDir();
  copyFileSync(join(FIXTURES, 'hostile/malformed.xml'), join(dir, 'malformed.xml'));
  copyFileSync(join(FIXTURES, 'alto-v2.xml'), join(dir, 'alto-v2.xml'));
  const project = newProject();
  const report = await importFiles(project, [join(dir, 'malformed.xml'), join(dir, 'alto-v2.xml')]);
  assert.deepEqual(report.imported, []);
  const reasons = Object.fromEntries(report.failed.map((f) => [f.file.replace(/^.*\//, ''), f.reason]));
  assert.match(reasons['malformed.xml'], /malformed XML at line/);
  assert.match(reasons['alto-v2.xml'], /page image "page-v2.png" not found beside the XML/);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n, 0);
});

test('coordinates are scaled when the image is a different size than the XML says', async () => {
  const dir = tempDir();
  await withImage(dir, 'alto-v2.xml', 'page-v2.png', 1200, 800);
  const project = newProject();
  const report = await importFiles(project, [join(dir, 'alto-v2.xml')]);
  assert.match(report.warnings.map((w) => w.message).join('\n'), /600×400 image but page-v2\.png is 1200×800; coordinates were scaled/);
  assert.deepEqual(round(projectLines(project)[0].polygon), [
    [60, 60],
    [1060, 60],
    [1060, 140],
    [60, 140],
  ]);
});

for (const format of ['page', 'alto'] as const) {
  test(`export as ${format} validates and imports back with the same lines, polygons and texts`, async () => {
    const dir = tempDir();
    await withImage(dir, 'page-2019.xml', 'folio-12r.png', 800, 600);
    await withImage(dir, 'alto-v3.xml', 'page-v3.png', 500, 300);
    const project = newProject();
    await importFiles(project, [dir]);
    const out = join(tempDir(), 'export');
    const { files } = await exportProject(project, { format, out });
    assert.equal(files.filter((f) => f.endsWith('.xml')).length, 2);
    for (const f of files.filter((x) => x.endsWith('.xml'))) {
      const xml = readFileSync(f, 'utf8');
      assert.deepEqual(await schemaErrors(xml, format === 'page' ? 'page2019' : 'alto44'), [], f);
    }
    const again = newProject();
    const report = await importFiles(again, [out]);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.warnings, []);
    const strip = (rows: ReturnType<typeof projectLines>) =>
      rows.map((r) => ({ polygon: round(r.polygon), baseline: round(r.baseline), text: r.text }));
    assert.deepEqual(strip(projectLines(again)), strip(projectLines(project)));
  });
}

test('plain text and ground-truth exports', async () => {
  const dir = tempDir();
  await withImage(dir, 'page-2019.xml', 'folio-12r.png', 800, 600);
  const project = newProject();
  await importFiles(project, [dir]);
  const textOut = join(tempDir(), 'text');
  await exportProject(project, { format: 'text', out: textOut });
  assert.equal(
    readFileSync(join(textOut, 'page-2019.txt'), 'utf8'),
    'Anno 1743 the 4th of May\n\nItem ſold to the miller & his wife\nCafé rent paid.\n',
  );
  const gtOut = join(tempDir(), 'gt');
  await exportProject(project, { format: 'gt', out: gtOut });
  const names = readdirSync(gtOut).sort();
  assert.equal(names.filter((n) => n.endsWith('.gt.txt')).length, 3, 'only labeled lines');
  assert.equal(names.filter((n) => n.endsWith('.png')).length, 3);
  const png = names.find((n) => n.endsWith('.png'))!;
  const meta = await sharp(join(gtOut, png)).metadata();
  assert.ok(meta.width! > 100 && meta.height! > 10);
  // A ground-truth folder is what `quire import --lines` reads back.
  const back = await importLineFolder(newProject(), gtOut);
  assert.equal(back.imported[0].lines, 3);
});

test('documents of the same name (box1/001, box2/001) export to files of their own', async () => {
  const root = tempDir();
  for (const box of ['box1', 'box2']) {
    mkdirSync(join(root, box));
    await withImage(join(root, box), 'page-2019.xml', 'folio-12r.png', 800, 600);
  }
  // Another scan in box2 (the same bytes would be a duplicate).
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#f0e8d8' } })
    .png()
    .toFile(join(root, 'box2', 'folio-12r.png'));
  const project = newProject();
  await importFiles(project, [join(root, 'box1'), join(root, 'box2')]);
  const names = (project.db.prepare('SELECT name FROM documents').all() as Array<{ name: string }>).map((d) => d.name);
  assert.equal(new Set(names).size, 1, `both documents are named ${names[0]}`);
  const out = join(tempDir(), 'page');
  const { files } = await exportProject(project, { format: 'page', out });
  assert.equal(new Set(files).size, 4, 'two images and two XML files, none written over another');
  assert.equal(readdirSync(out).length, 4);
  const again = newProject();
  await importFiles(again, [out]);
  assert.equal(projectLines(again).length, projectLines(project).length, 'every line comes back');
  const textOut = join(tempDir(), 'text');
  await exportProject(project, { format: 'text', out: textOut });
  assert.deepEqual(readdirSync(textOut).sort(), ['page-2019.txt', 'page-2019_2.txt']);
  assert.equal(readFileSync(join(textOut, 'page-2019_2.txt'), 'utf8'), readFileSync(join(textOut, 'page-2019.txt'), 'utf8'));
});

test('an export goes into a new or empty folder, never over an earlier one', async () => {
  const project = newProject();
  await importFiles(project, [await withImage(tempDir(), 'page-2019.xml', 'folio-12r.png', 800, 600)]);
  const out = join(tempDir(), 'gt');
  await exportProject(project, { format: 'gt', out });
  const first = readdirSync(out).sort();
  assert.ok(first.length > 0);
  // Exported again over it, the files of lines since deleted would stay beside the new ones.
  await assert.rejects(exportProject(project, { format: 'gt', out }), /gt already holds files: export into a new or empty folder/);
  assert.deepEqual(readdirSync(out).sort(), first, 'the earlier export is left as it was');
  const file = join(out, first[0]);
  await assert.rejects(exportProject(project, { format: 'text', out: file }), /is a file: export into a new or empty folder/);
  const empty = join(tempDir(), 'empty');
  mkdirSync(empty);
  assert.ok((await exportProject(project, { format: 'text', out: empty })).files.length > 0, 'an empty folder is fine');
});

test('the desktop export folder is named with the time, so exports never meet', () => {
  const at = new Date(2026, 11, 2, 9, 5, 7);
  assert.equal(exportFolderName('Parish book', 'vol 1', 'page', at), 'Parish_book-vol_1-page-2026-12-02-090507');
  assert.equal(exportFolderName('Parish book', null, 'gt', at), 'Parish_book-gt-2026-12-02-090507');
});

test('an ALTO file in ISO-8859-1 imports its text as written', async () => {
  const dir = tempDir();
  const xml = readFileSync(join(FIXTURES, 'alto-v4.xml'), 'utf8')
    .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    .replace('æ ſ ꝛ – all arrived safe.', 'Müller &amp; fils, façade');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'latin.xml'), Buffer.from(xml, 'latin1'));
  await sharp({ create: { width: 900, height: 500, channels: 3, background: '#e8e0d0' } })
    .png()
    .toFile(join(dir, 'letter_1802.png'));
  const project = newProject();
  const report = await importFiles(project, [dir]);
  assert.deepEqual(report.failed, []);
  assert.ok(
    projectLines(project).some((l) => l.text === 'Müller & fils, façade'),
    JSON.stringify(projectLines(project).map((l) => l.text)),
  );
});

test('a line folder whose every image is broken leaves no document, and says why', async () => {
  const dir = tempDir();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'broken.png'), 'not a png at all');
  writeFileSync(join(dir, 'broken.gt.txt'), 'some text\n');
  const project = newProject();
  const report = await importLineFolder(project, dir);
  assert.deepEqual(report.imported, []);
  assert.equal(report.failed.length, 1);
  assert.match(report.failed[0].file, /broken\.png$/);
  assert.deepEqual(project.db.prepare('SELECT id FROM documents').all(), []);
  const empty = await importLineFolder(project, tempDir());
  assert.match(empty.failed[0].reason, /no line images/);
  assert.deepEqual(project.db.prepare('SELECT id FROM documents').all(), []);
});

test('an XML naming a multi-page TIFF takes its first page, and says so', async () => {
  const dir = tempDir();
  const { writeFileSync } = await import('node:fs');
  const { multiPageTiff } = await import('../../helpers/images.ts');
  writeFileSync(join(dir, 'folio.xml'), readFileSync(join(FIXTURES, 'page-2019.xml'), 'utf8').replace('folio-12r.png', 'folio.tif'));
  writeFileSync(join(dir, 'folio.tif'), await multiPageTiff(3));
  const report = await importFiles(newProject(), [join(dir, 'folio.xml')]);
  assert.deepEqual(report.failed, []);
  assert.match(report.warnings.map((w) => w.message).join('\n'), /folio\.tif has 3 pages; this file describes one, taken to be the first/);
});

test("a PAGE export names each line with its id in the imported file; lines without one, or sharing one, get the project's", async () => {
  const dir = tempDir();
  await withImage(dir, 'page-2019.xml', 'folio-12r.png', 800, 600);
  const project = newProject();
  await importFiles(project, [dir]);
  const rows = project.db.prepare('SELECT id, source_name FROM lines ORDER BY reading_order').all() as Array<{
    id: number;
    source_name: string;
  }>;
  assert.deepEqual(
    rows.map((r) => r.source_name),
    ['eSc_line_1', 'eSc_line_2', 'eSc_line_3', 'eSc_line_4'],
  );
  // A second line claiming the same id (and an id that is no XML ID): neither is used.
  project.db.prepare('UPDATE lines SET source_name = ? WHERE id = ?').run('eSc_line_1', rows[1].id);
  project.db.prepare('UPDATE lines SET source_name = ? WHERE id = ?').run('1st line', rows[2].id);
  const out = join(tempDir(), 'page');
  await exportProject(project, { format: 'page', out });
  const xml = readFileSync(join(out, 'page-2019.xml'), 'utf8');
  assert.deepEqual(
    [...xml.matchAll(/<TextLine id="([^"]+)"/g)].map((m) => m[1]),
    [`line_${rows[0].id}`, `line_${rows[1].id}`, `line_${rows[2].id}`, 'eSc_line_4'],
  );
  assert.deepEqual(
    [...xml.matchAll(/<TextRegion id="([^"]+)"/g)].map((m) => m[1]).sort(),
    ['eSc_textblock_a', 'eSc_textblock_b'],
    "regions too keep their file's ids",
  );
  assert.deepEqual(await schemaErrors(xml, 'page2019'), []);
  // A region drawn in the project has none: it gets the project's.
  const { regionId } = await createService(project).addRegion({
    pageId: 1,
    polygon: [
      [10, 500],
      [300, 500],
      [300, 580],
      [10, 580],
    ],
    type: 'marginalia',
  });
  const again = join(tempDir(), 'page');
  await exportProject(project, { format: 'page', out: again });
  const regionIds = [...readFileSync(join(again, 'page-2019.xml'), 'utf8').matchAll(/<TextRegion id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(regionIds.sort(), ['eSc_textblock_a', 'eSc_textblock_b', `region_${regionId}`].sort());
});
