// Issue #16, item 7: a very large PAGE import is written in short transactions, so a
// save from another process never waits long; a half-written document is invisible,
// removed when its import fails, and removed after a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createService } from '../../../main/api/service.ts';
import { ACTIVE_DOCUMENT, writeDocument } from '../../../main/import/document-writer.ts';
import { importFiles } from '../../../main/import/import-images.ts';
import { Project } from '../../../main/project/project.ts';
import { png } from '../../helpers/images.ts';
import { pageXml, write } from '../../helpers/layout-files.ts';
import { newProject, tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const LINES = 40_000;

test('item 7: saves from another process wait briefly while a 40k-line PAGE file imports', async () => {
  const root = tempDir();
  const dir = join(root, 'p');
  const project = Project.init(dir);
  // A line to save to while the big import runs.
  const small = tempDir();
  write(small, 'small.png', await png(100, 50));
  await importFiles(project, [write(small, 'small.xml', pageXml({ image: 'small.png', width: 100, height: 50 }))]);
  const lineId = (project.db.prepare('SELECT id FROM lines').get() as { id: number }).id;
  project.close();

  const big = tempDir();
  write(big, 'big.png', await png(1000, 1000));
  const lines = Array.from({ length: LINES }, (_, i) => {
    const y = (i % 990) + 1;
    return { id: `l${i}`, points: `10,${y} 900,${y} 900,${y + 8} 10,${y + 8}`, text: `line ${i}` };
  });
  write(big, 'big.xml', pageXml({ image: 'big.png', width: 1000, height: 1000, lines }));

  const child = spawn(process.execPath, [CLI, 'import', dir, join(big, 'big.xml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    out += c;
  });
  let exited = false;
  const exit = new Promise<number | null>((ok) =>
    child.on('exit', (code) => {
      exited = true;
      ok(code);
    }),
  );

  const db = new Database(join(dir, 'quire.db'));
  db.pragma('busy_timeout = 5000');
  const save = db.prepare("INSERT INTO transcriptions (line_id, text, author, source) VALUES (?, ?, 'human', 'human')");
  const latencies: number[] = [];
  let sawPartial = false;
  let visibleWhilePartial = 0;
  // When the lines were seen arriving: the write phase, during which a save may wait only briefly.
  let firstPartial = 0;
  let lastPartial = 0;
  const viewer = Project.open(dir); // opening while an import runs must not remove it
  const api = createService(viewer);
  while (!exited) {
    const t = performance.now();
    save.run(lineId, `save ${latencies.length}`);
    const lineCount = (db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n;
    latencies.push(performance.now() - t);
    if (lineCount > 1 && lineCount < LINES + 1) {
      if (!sawPartial) firstPartial = t;
      lastPartial = performance.now();
      sawPartial = true;
      visibleWhilePartial = Math.max(visibleWhilePartial, (await api.listDocuments({})).length);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(await exit, 0, out);
  viewer.close();
  const total = (
    db
      .prepare(
        `SELECT count(*) AS n FROM lines l JOIN pages p ON p.id = l.page_id JOIN documents d ON d.id = p.document_id WHERE ${ACTIVE_DOCUMENT}`,
      )
      .get() as { n: number }
  ).n;
  db.close();
  latencies.sort((a, b) => a - b);
  const max = latencies[latencies.length - 1];
  console.log(
    `# item 7: ${latencies.length} saves during the import, median ${latencies[latencies.length >> 1].toFixed(1)} ms, slowest ${latencies
      .slice(-5)
      .map((l) => l.toFixed(0))
      .join(', ')} ms`,
  );
  assert.equal(total, LINES + 1, 'the whole document arrived');
  assert.ok(sawPartial, 'the import was observed in progress');
  assert.equal(visibleWhilePartial, 1, 'the document being imported is not listed');
  // Written in one transaction these lines hold the lock for about 1.8 s on an idle machine; a
  // slice is 25 ms. 400 ms leaves room for fsync; on a loaded machine everything is slower
  // (633 ms was seen beside a training run), so the bound grows with the write phase seen:
  // one transaction would block a save for all of it, slices for a small part.
  const writePhase = lastPartial - firstPartial;
  assert.ok(max < Math.max(400, writePhase / 4), `a save waited ${max.toFixed(0)} ms in a write phase of ${writePhase.toFixed(0)} ms`);
});

test('item 7: a document whose write fails midway is removed; one left by a dead process goes at the next open', async () => {
  const project = newProject();
  const bad = Array.from({ length: 3000 }, (_, i) => ({
    polygon: [
      [0, 0],
      [10, 0],
      [10, 5],
      [0, 5],
    ] as Array<[number, number]>,
    baseline: null,
    text: 'x',
    split: (i === 2500 ? 'bogus' : 'train') as 'train',
  }));
  const hash = project.images.put(await png(), {});
  await assert.rejects(
    writeDocument(
      project.db,
      {
        name: 'bad',
        kind: 'scan',
        sourcePath: 'bad.xml',
        sourceHash: 'h1',
        transcriptionSource: 'import:bad.xml',
        pages: [{ imageHash: hash, width: 60, height: 40, dpi: null, lines: bad }],
      },
      { sliceMs: 1, pauseMs: 0 },
    ),
    /CHECK constraint/,
  );
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n, 0);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n, 0);

  const id = Number(
    project.db
      .prepare("INSERT INTO documents (name, kind, source_path, source_hash) VALUES ('x', 'scan', 'x', 'importing:999999999:abc')")
      .run().lastInsertRowid,
  );
  project.db.prepare('INSERT INTO pages (document_id, page_index, image_hash, width, height) VALUES (?, 0, ?, 60, 40)').run(id, hash);
  const root = project.root;
  project.close();
  const reopened = Project.open(root);
  assert.equal((reopened.db.prepare('SELECT count(*) AS n FROM pages').get() as { n: number }).n, 0);
  reopened.close();
});
