// What an import records as a document's source: the real path for a desktop or CLI import,
// the name the user chose for a browser upload (never the temporary staging folder), and how a
// PAGE file without its image is explained in either case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../../../main/import/import-images.ts';
import { importingUpload, sourceOf } from '../../../main/import/upload-source.ts';
import { png } from '../../helpers/images.ts';
import { pageXml, write } from '../../helpers/layout-files.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

const sources = (project: ReturnType<typeof newProject>) =>
  (project.db.prepare('SELECT source_path AS path FROM documents ORDER BY id').all() as Array<{ path: string }>).map((r) => r.path);

test('a desktop import records the real path of a scan and of a PAGE file', async () => {
  const project = newProject();
  const dir = tempDir();
  const scan = write(dir, 'portrait.png', await png(60, 40, '#aa8866'));
  const xml = write(dir, 'folio-3.xml', pageXml({ image: 'folio-3.png', width: 60, height: 40 }));
  write(dir, 'folio-3.png', await png(60, 40));
  const report = await importFiles(project, [scan, xml]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(sources(project).sort(), [scan, xml].sort());
});

test('an upload records the file’s name within the staging folder; the same file again is still recognised', async () => {
  const project = newProject();
  const staging = tempDir('quire-upload-1-');
  const scan = write(staging, 'portrait.png', await png(60, 40, '#aa8866'));
  const first = await importingUpload(staging, () => importFiles(project, [scan]));
  assert.equal(first.imported.length, 1);
  assert.deepEqual(sources(project), ['portrait.png']);
  // A second upload is staged in another folder: its content is what makes it the same file.
  const again = write(tempDir('quire-upload-1-'), 'portrait.png', await png(60, 40, '#aa8866'));
  const second = await importingUpload(join(again, '..'), () => importFiles(project, [again]));
  assert.equal(second.imported.length, 0);
  assert.equal(second.duplicates.length, 1);
  assert.match(second.duplicates[0].reason, /already in the project as document "portrait" \(from portrait\.png\)/);
  assert.doesNotMatch(second.duplicates[0].reason, new RegExp(staging.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')));
});

test('an uploaded PAGE file records its own name, and the import’s progress names no staging path', async () => {
  const project = newProject();
  const staging = tempDir('quire-upload-1-');
  const xml = write(staging, 'folio-3.xml', pageXml({ image: 'folio-3.png', width: 60, height: 40 }));
  write(staging, 'folio-3.png', await png(60, 40));
  const progress: string[] = [];
  const report = await importingUpload(staging, () => importFiles(project, [staging], { onProgress: (p) => progress.push(p.file) }));
  assert.deepEqual(report.failed, []);
  assert.deepEqual(sources(project), ['folio-3.xml']);
  assert.ok(
    progress.every((f) => !f.includes(staging)),
    progress.join(', '),
  );
});

test('a PAGE file without its image: an upload says to select or drop the image with the XML, a folder import says where it looked', async () => {
  const staging = tempDir('quire-upload-1-');
  const named = write(staging, 'page-1.xml', pageXml({ image: 'C:\\scans\\page-1.jpg', width: 60, height: 40 }));
  const uploaded = await importingUpload(staging, () => importFiles(newProject(), [named]));
  assert.equal(
    uploaded.failed[0]?.reason,
    'page image "C:\\scans\\page-1.jpg" was not uploaded: select or drop the image page-1.jpg together with the XML',
  );
  const unnamed = write(staging, 'page-2.xml', pageXml({ image: '', width: 60, height: 40 }));
  const bare = await importingUpload(staging, () => importFiles(newProject(), [unnamed]));
  assert.match(bare.failed[0]?.reason ?? '', /select or drop the image page-2\.png \(or \.jpg, \.tif\) together with the XML/);
  const desktop = await importFiles(newProject(), [named]);
  assert.equal(desktop.failed[0]?.reason, 'page image "C:\\scans\\page-1.jpg" not found beside the XML');
});

test('sourceOf names a staged file by its path inside the staging folder, and leaves any other path whole', () => {
  const staging = tempDir('quire-upload-1-');
  mkdirSync(join(staging, 'sub'));
  assert.equal(sourceOf(join(staging, 'a.png')), join(staging, 'a.png'), 'outside an upload: the path');
  importingUpload(staging, () => {
    assert.equal(sourceOf(join(staging, 'a.png')), 'a.png');
    assert.equal(sourceOf(join(staging, 'sub', 'b.png')), join('sub', 'b.png'));
    assert.equal(sourceOf('/elsewhere/c.png'), '/elsewhere/c.png');
    assert.equal(sourceOf(staging), staging);
  });
});
