// A process killed with SIGKILL in the middle of a large import leaves a consistent
// project holding only whole documents, and importing again completes it without duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { importFiles } from '../../../main/import/import-images.ts';
import { Project } from '../../../main/project/project.ts';
import { multiPageTiff } from '../../helpers/images.ts';
import { tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const FILES = 30;
const PAGES = 3;

test('SIGKILL during an import leaves whole documents only, and a re-run completes it', async () => {
  const root = tempDir();
  const projectDir = join(root, 'project');
  Project.init(projectDir).close();
  const scans = join(root, 'scans');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(scans);
  const tiff = await multiPageTiff(PAGES);
  for (let i = 0; i < FILES; i++) {
    // Each file differs in a trailing byte (ignored by decoders), so hashes differ.
    writeFileSync(join(scans, `scan-${String(i).padStart(2, '0')}.tif`), Buffer.concat([tiff, Buffer.from([i])]));
  }
  const child = spawn(process.execPath, [CLI, 'import', projectDir, scans], { stdio: 'ignore' });
  const exited = new Promise((ok) => child.on('exit', ok));
  const reader = new Database(join(projectDir, 'quire.db'), { readonly: true, fileMustExist: true });
  const count = () => (reader.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
  const deadline = Date.now() + 60_000;
  while (count() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await exited;
  reader.close();

  const project = Project.open(projectDir);
  assert.equal(project.db.pragma('integrity_check', { simple: true }), 'ok');
  const before = project.db
    .prepare('SELECT d.id, count(p.id) AS pages FROM documents d LEFT JOIN pages p ON p.document_id = d.id GROUP BY d.id')
    .all() as Array<{ pages: number }>;
  assert.ok(before.length >= 3 && before.length < FILES, `killed after ${before.length} documents`);
  for (const d of before) assert.equal(d.pages, PAGES, 'a document is whole or absent');

  const report = await importFiles(project, [scans]);
  assert.equal(report.duplicates.length, before.length);
  assert.equal(report.imported.length, FILES - before.length);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n, FILES);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, FILES * PAGES);
  project.close();
});
