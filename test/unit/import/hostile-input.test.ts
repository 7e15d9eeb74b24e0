// Issue #16, items 1, 2, 5, 6: hostile files and a full disk. Nothing outside the import
// is read, nothing unbounded is held, and every failure is one file's, with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs, { mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFiles } from '../../../main/import/import-images.ts';
import { describeImport } from '../../../main/cli/import-report.ts';
import { Project } from '../../../main/project/project.ts';
import { multiPageTiff, png } from '../../helpers/images.ts';
import { pageXml, write } from '../../helpers/layout-files.ts';
import { peakLiveBuffers } from '../../helpers/live-memory.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const count = (p: Project, table: string) => (p.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const stored = (p: Project) => readdirSync(p.images.root, { recursive: true }).filter((f) => String(f).includes('.'));

/** Runs the CLI, sampling its resident memory; kills it past `limitMs` or `maxRss`. */
async function runMeasured(args: string[], limitMs = 30_000, maxRss = 1.5e9) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  let peakRss = 0;
  let killed = '';
  const started = Date.now();
  const sampler = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peakRss = Math.max(peakRss, kb * 1024);
    } catch {
      /* exited */
    }
    if (peakRss > maxRss) killed ||= `memory ${peakRss}`;
    if (Date.now() - started > limitMs) killed ||= 'time';
    if (killed) child.kill('SIGKILL');
  }, 25);
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  clearInterval(sampler);
  return { code, stdout, peakRss, killed, ms: Date.now() - started };
}

test('item 1: a PAGE file naming /dev/zero, a link to /dev/zero and a FIFO fail at once, with bounded memory', async () => {
  const root = tempDir();
  const project = join(root, 'p');
  Project.init(project).close();
  const dir = join(root, 'in');
  mkdirSync(dir);
  write(dir, 'device.xml', pageXml({ image: '/dev/zero', width: 100, height: 50 }));
  symlinkSync('/dev/zero', join(dir, 'zero.png'));
  execFileSync('mkfifo', [join(dir, 'pipe.tif')]);
  const run = await runMeasured(['import', project, dir]);
  assert.equal(run.killed, '', `import had to be killed (${run.killed}); output so far:\n${run.stdout}`);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /FAILED .*device\.xml: page image "\/dev\/zero" lies outside the imported folder/);
  assert.match(run.stdout, /FAILED .*zero\.png: links to a file outside the imported folder/);
  assert.match(run.stdout, /FAILED .*pipe\.tif: not a regular file/);
  // node + tsx + sharp is about 150-250 MB; reading /dev/zero grew by gigabytes.
  assert.ok(run.peakRss < 600e6, `peak RSS ${(run.peakRss / 1e6).toFixed(0)} MB`);
  console.log(`# item 1: failed in ${run.ms} ms, peak RSS ${(run.peakRss / 1e6).toFixed(0)} MB`);
});

test('item 2: an image outside the imported folder (../, absolute, or a link) is not read, stored or served', async () => {
  const root = tempDir();
  const outside = join(root, 'outside');
  const dir = join(root, 'in');
  mkdirSync(outside);
  mkdirSync(dir);
  const secret = write(outside, 'secret.png', await png(100, 50));
  write(dir, 'relative.xml', pageXml({ image: '../outside/secret.png', width: 100, height: 50 }));
  write(dir, 'absolute.xml', pageXml({ image: secret, width: 100, height: 50 }));
  symlinkSync(secret, join(dir, 'link.png'));
  write(dir, 'via-link.xml', pageXml({ image: 'link.png', width: 100, height: 50 }));
  const project = newProject();
  // Watch every file the import opens.
  const opened: string[] = [];
  const { openSync, readFileSync: readFile } = fs;
  fs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
    opened.push(String(p));
    return (openSync as (...a: unknown[]) => number)(p, ...rest);
  }) as typeof fs.openSync;
  fs.readFileSync = ((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    opened.push(String(p));
    return (readFile as (...a: unknown[]) => Buffer)(p, ...rest);
  }) as typeof fs.readFileSync;
  syncBuiltinESMExports();
  let report;
  try {
    report = await importFiles(project, [dir]);
  } finally {
    fs.openSync = openSync;
    fs.readFileSync = readFile;
    syncBuiltinESMExports();
  }
  assert.deepEqual(report.imported, []);
  const reasons = Object.fromEntries(report.failed.map((f) => [f.file.slice(dir.length + 1), f.reason]));
  for (const xml of ['relative.xml', 'absolute.xml', 'via-link.xml']) assert.match(reasons[xml], /lies outside the imported folder/, xml);
  assert.match(reasons['link.png'], /links to a file outside the imported folder/);
  assert.deepEqual(
    opened.filter((f) => f.startsWith(outside) || f.endsWith('link.png')),
    [],
    'nothing outside the folder was opened',
  );
  assert.equal(count(project, 'documents'), 0);
  assert.deepEqual(stored(project), [], 'no image reached the store, so no route can serve it');

  // An image in the imported folder, one level above its XML (Transkribus: page/0001.xml), is fine.
  const doc = join(root, 'doc');
  mkdirSync(join(doc, 'page'), { recursive: true });
  write(doc, '0001.png', await png(100, 50));
  write(join(doc, 'page'), '0001.xml', pageXml({ image: '../0001.png', width: 100, height: 50 }));
  const ok = await importFiles(project, [doc]);
  assert.deepEqual(ok.failed, []);
  assert.equal(ok.imported.length, 1);
});

test('items 1, 2: files over the size caps are refused before they are read', async () => {
  const dir = tempDir();
  const noise = () =>
    sharp(randomBytes(100 * 100), { raw: { width: 100, height: 100, channels: 1 } })
      .png()
      .toBuffer();
  const scan = write(dir, 'scan.png', await noise());
  write(dir, 'page.png', await noise());
  const xml = write(dir, 'page.xml', pageXml({ image: 'page.png', width: 100, height: 100 }));
  const project = newProject();
  const report = await importFiles(project, [scan, xml], { maxImageBytes: 5000 });
  const reasons = Object.fromEntries(report.failed.map((f) => [f.file, f.reason]));
  assert.match(reasons[scan], /^\d{5} bytes, over the limit of 5000 bytes$/);
  assert.match(reasons[xml], /page\.png: \d{5} bytes, over the limit of 5000 bytes/);
  const tooBigXml = await importFiles(project, [xml], { maxXmlBytes: 100 });
  assert.match(tooBigXml.failed[0].reason, /over the limit/);
  assert.equal(count(project, 'documents'), 0);
});

test('item 5: a multi-page TIFF is capped, stored page by page with progress, in bounded memory', async () => {
  const dir = tempDir();
  const project = newProject();
  const capped = write(dir, 'six.tif', await multiPageTiff(6));
  const refused = await importFiles(project, [capped], { maxPages: 5 });
  assert.match(refused.failed[0]?.reason ?? '', /6 pages, over the limit of 5 pages per file/);
  assert.equal(count(project, 'pages'), 0);
  assert.deepEqual(stored(project), []);

  // 40 pages of incompressible 700×700 gray: each decoded page holds about 1 MB of PNGs.
  const PAGES = 40;
  const frames = await Promise.all(
    Array.from({ length: PAGES }, () =>
      sharp(randomBytes(700 * 700), { raw: { width: 700, height: 700, channels: 1 } })
        .png({ compressionLevel: 1 })
        .toBuffer(),
    ),
  );
  const tiff = await sharp(frames, { join: { animated: true } })
    .toColourspace('b-w')
    .tiff({ compression: 'deflate' })
    .toBuffer();
  const file = write(dir, 'volume.tif', tiff);
  const progress: Array<{ page: number; storedBefore: boolean }> = [];
  let report: Awaited<ReturnType<typeof importFiles>> | undefined;
  const { peak } = await peakLiveBuffers(async () => {
    report = await importFiles(project, [file], {
      onProgress: (p) => {
        if (p.page) progress.push({ page: p.page, storedBefore: stored(project).length >= 3 * p.page });
      },
    });
  }, 15);
  assert.deepEqual(report!.failed, []);
  assert.equal(report!.imported[0].pages, PAGES);
  assert.deepEqual(
    progress.map((p) => p.page),
    Array.from({ length: PAGES }, (_, i) => i + 1),
  );
  assert.ok(
    progress.every((p) => p.storedBefore),
    'each page is in the store when its progress is reported',
  );
  // Holding every page (the old way) costs the input plus ~40 MB more; one page at a time stays far below.
  const extra = peak - tiff.length;
  console.log(`# item 5: input ${(tiff.length / 1e6).toFixed(1)} MB, peak live buffers ${(peak / 1e6).toFixed(1)} MB`);
  assert.ok(extra < 30e6, `peak live buffers ${(peak / 1e6).toFixed(1)} MB for a ${(tiff.length / 1e6).toFixed(1)} MB file`);
});

test('item 6: a full disk fails that file with a clear reason; the others import and are listed', async () => {
  const dir = tempDir();
  const files = [
    write(dir, 'a.png', await png(60, 40, '#111')),
    write(dir, 'b.tif', await multiPageTiff(3)),
    write(dir, 'c.png', await png(60, 40, '#333')),
  ];
  const project = newProject();
  const add = project.images.add.bind(project.images);
  let calls = 0;
  // The second page of b.tif meets a full disk (after its first page was stored).
  project.images.add = (page, derivatives) => {
    if (++calls === 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return add(page, derivatives);
  };
  const report = await importFiles(project, files);
  assert.deepEqual(
    report.imported.map((d) => d.file),
    [files[0], files[2]],
  );
  assert.deepEqual(report.failed, [
    { file: files[1], reason: 'the disk is full (no space left on device); nothing of this file was kept' },
  ]);
  assert.equal(count(project, 'documents'), 2);
  assert.equal(stored(project).length, 6, 'the page b.tif had stored was removed again');
  const text = describeImport(report);
  assert.match(text, /imported .*a\.png: 1 page/);
  assert.match(text, /imported .*c\.png: 1 page/);
  assert.match(text, /FAILED .*b\.tif: the disk is full/);
  assert.match(text, /2 imported, 0 skipped, 1 failed/);
});
