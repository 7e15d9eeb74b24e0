import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFiles, importLineFolder } from '../../../main/import/import-images.ts';
import { openGray } from '../../../main/images/decode.ts';
import { cmykJpeg, jpeg, multiPageTiff, png, png16, rotatedJpeg } from '../../helpers/images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { pageXml } from '../../helpers/layout-files.ts';

function write(dir: string, name: string, bytes: Buffer | string): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

const storedFiles = (root: string) => readdirSync(root, { recursive: true }).filter((f) => String(f).includes('.'));

test('imports JPEG, PNG and every page of a multi-page TIFF, with grayscale copies and thumbnails', async () => {
  const project = newProject();
  const dir = tempDir();
  const report = await importFiles(project, [
    write(dir, 'a.jpg', await jpeg()),
    write(dir, 'b.png', await png()),
    write(dir, 'c.tif', await multiPageTiff(3)),
  ]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(
    report.imported.map((d) => d.pages),
    [1, 1, 3],
  );
  const pages = project.db.prepare('SELECT image_hash FROM pages ORDER BY id').all() as Array<{ image_hash: string }>;
  assert.equal(pages.length, 5);
  for (const [i, { image_hash }] of pages.entries()) {
    // The JPEG is kept as it came (its gray pixels are derived from it); the others get a gray copy.
    const variants = i === 0 ? (['page', 'thumb'] as const) : (['page', 'gray', 'thumb'] as const);
    for (const v of variants) assert.ok(project.images.has(image_hash, v), `${v} of ${image_hash}`);
    const gray =
      i === 0
        ? (await openGray(project.images, image_hash).raw().toBuffer({ resolveWithObject: true })).info
        : await sharp(project.images.read(image_hash, 'gray')).metadata();
    assert.equal(gray.channels, 1);
  }
  // The three TIFF pages differ, so they are three different files.
  assert.equal(new Set(pages.map((p) => p.image_hash)).size, 5);
});

test('a JPEG scan is stored as it came, not as a PNG many times its size; its gray pixels are those a gray copy would hold', async () => {
  const project = newProject();
  const dir = tempDir();
  // A noisy scan-like image: flat colours would flatter PNG.
  const noise = { type: 'gaussian', mean: 128, sigma: 40 } as const;
  const data = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#808080', noise } })
    .raw()
    .toBuffer();
  const bytes = await sharp(data, { raw: { width: 900, height: 600, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
  const report = await importFiles(project, [write(dir, 'scan.jpg', bytes)]);
  assert.deepEqual(report.failed, []);
  const { image_hash, width, height } = project.db.prepare('SELECT image_hash, width, height FROM pages').get() as {
    image_hash: string;
    width: number;
    height: number;
  };
  assert.deepEqual([width, height], [900, 600]);
  assert.ok(project.images.read(image_hash, 'page').equals(bytes), 'the page file is the scan, byte for byte');
  assert.equal(project.images.pageExtension(image_hash), '.jpg');
  assert.equal(project.images.has(image_hash, 'gray'), false, 'no gray copy beside it');
  // What an import of old (a gray PNG) would have held, pixel for pixel.
  const expected = await sharp(bytes).rotate().grayscale().toColourspace('b-w').raw().toBuffer();
  const derived = await openGray(project.images, image_hash).raw().toBuffer();
  assert.ok(derived.equals(expected));
  const stored = storedFiles(project.images.root).map((f) => statSync(join(project.images.root, String(f))).size);
  assert.ok(stored.reduce((a, b) => a + b, 0) < 1.2 * bytes.length, `stored ${stored.join(' + ')} bytes for a ${bytes.length}-byte scan`);
  project.images.remove(image_hash);
  assert.deepEqual(storedFiles(project.images.root), [], 'removing the page removes the JPEG');
  project.close();
});

test('16-bit and CMYK scans become 8-bit images; EXIF orientation is applied', async () => {
  const project = newProject();
  const dir = tempDir();
  const report = await importFiles(project, [
    write(dir, 'deep.png', await png16()),
    write(dir, 'print.jpg', await cmykJpeg()),
    write(dir, 'turned.jpg', await rotatedJpeg()),
  ]);
  assert.deepEqual(report.failed, []);
  const rows = project.db.prepare('SELECT image_hash, width, height FROM pages ORDER BY id').all() as Array<{
    image_hash: string;
    width: number;
    height: number;
  }>;
  for (const r of rows) {
    const meta = await sharp(project.images.read(r.image_hash, 'page')).metadata();
    assert.equal(meta.depth, 'uchar');
    assert.notEqual(meta.space, 'cmyk');
  }
  assert.deepEqual([rows[2].width, rows[2].height], [40, 60], 'orientation 6 turns 60×40 into 40×60');
});

test('bad files fail with the file name and reason, leave nothing behind, and do not stop the batch', async () => {
  const project = newProject();
  const dir = tempDir();
  const big = await jpeg(200, 200);
  const files = [
    write(dir, 'good.png', await png()),
    write(dir, 'notes.png', 'just some text'),
    write(dir, 'cut.jpg', big.subarray(0, big.length / 2)),
    write(dir, 'huge.png', await png(300, 300)),
    join(dir, 'missing.tif'),
  ];
  const report = await importFiles(project, files, { pixelLimit: 50_000 });
  assert.deepEqual(
    report.imported.map((d) => d.file),
    [files[0]],
  );
  const reasons = Object.fromEntries(report.failed.map((f) => [f.file, f.reason]));
  assert.match(reasons[files[1]], /not a readable image/);
  assert.match(reasons[files[2]], /could not be decoded|premature end/);
  assert.match(reasons[files[3]], /over the limit/);
  assert.match(reasons[files[4]], /no such file/);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n, 1);
  // Only the good file's page, gray copy and thumbnail are in the store.
  assert.equal(storedFiles(project.images.root).length, 3);
});

test('importing the same file again is recognised as a duplicate', async () => {
  const project = newProject();
  const dir = tempDir();
  const file = write(dir, 'a.png', await png());
  await importFiles(project, [file]);
  const again = await importFiles(project, [dir]);
  assert.deepEqual(again.imported, []);
  assert.deepEqual(
    again.duplicates.map((d) => d.file),
    [file],
  );
  assert.match(again.duplicates[0].reason, /already in the project as document "a"/);
});

test('a line folder imports labeled lines (with .gt.txt) and unlabeled ones, with a split', async () => {
  const project = newProject();
  const dir = join(tempDir(), 'lines');
  mkdirSync(dir);
  write(dir, 'l1.png', await png(200, 40, '#eee'));
  write(dir, 'l1.gt.txt', 'Cafe\u0301 au lait\n');
  write(dir, 'l2.png', await png(180, 40, '#ddd'));
  write(dir, 'l3.png', 'broken');
  const report = await importLineFolder(project, dir, 'validation');
  assert.equal(report.imported[0].lines, 2);
  assert.match(report.failed[0].file, /l3\.png$/);
  const lines = project.db
    .prepare(
      `SELECT l.source_name AS name, l.split, ct.text, ct.source FROM lines l
    LEFT JOIN current_transcriptions ct ON ct.line_id = l.id ORDER BY l.id`,
    )
    .all();
  assert.deepEqual(lines, [
    { name: 'l1.png', split: 'validation', text: 'Caf\u00e9 au lait', source: 'import:l1.gt.txt' },
    { name: 'l2.png', split: 'validation', text: null, source: null },
  ]);
  const again = await importLineFolder(project, dir);
  assert.equal(again.duplicates.length, 2);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n, 2);
});

test('a .gt.txt with a byte order mark reads without it; one not in UTF-8 is refused, named, and its line not imported', async () => {
  const project = newProject();
  const dir = join(tempDir(), 'lines');
  mkdirSync(dir);
  write(dir, 'a.png', await png(200, 40, '#eee'));
  write(dir, 'a.gt.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Café\r\n')]));
  write(dir, 'b.png', await png(180, 40, '#ddd'));
  write(dir, 'b.gt.txt', Buffer.from([0x43, 0x61, 0x66, 0xe9])); // "Café" in Latin-1
  const report = await importLineFolder(project, dir);
  assert.equal(report.failed.length, 1);
  assert.match(report.failed[0].file, /b\.png$/);
  assert.match(report.failed[0].reason, /b\.gt\.txt: not UTF-8 text/);
  const texts = project.db.prepare('SELECT text FROM current_transcriptions').all() as Array<{ text: string }>;
  assert.deepEqual(texts, [{ text: 'Café' }]);
});

test("a page image whose PAGE file is refused is left out with it, so the corrected file imports as the page's only document", async () => {
  const project = newProject();
  const dir = join(tempDir(), 'with-broken-xml');
  mkdirSync(dir);
  write(dir, 'p.png', await png(200, 100, '#eee'));
  write(dir, 'p.xml', pageXml({ image: 'p.png', width: 200, height: 100 }).replace('</PcGts>', ''));
  write(dir, 'q.png', await png(120, 80, '#ddd'));
  const first = await importFiles(project, [dir]);
  assert.deepEqual(first.failed.map((f) => f.file.split('/').pop()).sort(), ['p.png', 'p.xml']);
  assert.match(first.failed.find((f) => f.file.endsWith('p.png'))!.reason, /left out with p\.xml, its PAGE\/ALTO file, which was refused/);
  assert.deepEqual(
    first.imported.map((i) => i.file.split('/').pop()),
    ['q.png'],
    'a scan without XML imports as before',
  );
  write(dir, 'p.xml', pageXml({ image: 'p.png', width: 200, height: 100 }));
  const second = await importFiles(project, [dir]);
  assert.deepEqual(
    second.imported.map((i) => [i.file.split('/').pop(), i.lines]),
    [['p.xml', 1]],
  );
  const pages = project.db.prepare('SELECT count(*) AS n FROM pages p JOIN documents d ON d.id = p.document_id').get() as { n: number };
  assert.equal(pages.n, 2, 'one page each for p and q');
});
