// A document removed from the project (a mistaken import) is set aside, never deleted: it
// leaves the lists, counts, search, exports, training data and reading, its transcriptions
// stay in the project, importing its file again says where it went, and restoring it brings
// everything back. Renaming keeps what a document holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { createDispatcher } from '../../../main/api/dispatch.ts';
import type { JobRunner } from '../../../main/jobs/runner.ts';
import { linesToRead } from '../../../main/db/dataset.ts';
import { labeledLines } from '../../../main/project/dataset.ts';
import { Project } from '../../../main/project/project.ts';
import type { QuireEvent } from '../../../shared/api.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { withoutTimes } from '../../helpers/both-stores.ts';
import { tempDir } from '../../helpers/project.ts';

test('a removed document leaves lists, counts, search, exports, training and reading; restored, all of it is back', async () => {
  const made = await manyLinesProject(6, { pages: 2, labeled: 6 });
  const project = Project.open(made.dir);
  const events: QuireEvent[] = [];
  const { dispatch } = createDispatcher(createService(project, (e) => events.push(e)));
  try {
    const [kept, removed] = await dispatch('listDocuments', {});
    const before = await dispatch('projectInfo', {});
    assert.deepEqual([before.documents, before.labeled], [2, 6]);
    const hits = async () => (await dispatch('search', { query: 'hand' })).map((h) => h.documentId);
    assert.deepEqual([...new Set(await hits())].sort(), [kept.id, removed.id].sort());

    await dispatch('removeDocument', { documentId: removed.id });
    assert.ok(
      events.some((e) => e.type === 'project-changed'),
      'windows hear of it',
    );
    assert.deepEqual(
      (await dispatch('listDocuments', {})).map((d) => d.id),
      [kept.id],
    );
    const after = await dispatch('projectInfo', {});
    assert.deepEqual([after.documents, after.pages, after.lines, after.labeled], [1, 1, 3, 3]);
    assert.deepEqual([...new Set(await hits())], [kept.id], 'search');
    assert.equal(labeledLines(project, ['train']).length, 3, 'training data');
    assert.equal(linesToRead(project.db).length, 3, 'transcription');
    const out = join(tempDir(), 'export');
    await dispatch('exportDocuments', { format: 'text', out });
    assert.equal(readdirSync(out).length, 1, 'the export holds the kept document only');
    const [listed] = await dispatch('listRemovedDocuments', {});
    assert.deepEqual([listed.id, listed.labeled, listed.removedBy], [removed.id, 3, 'me']);
    // Nothing of it is lost: its labels are in the database, and the page still opens.
    const labels = project.db
      .prepare(
        'SELECT count(*) AS n FROM current_transcriptions ct JOIN lines l ON l.id = ct.line_id JOIN pages p ON p.id = l.page_id WHERE p.document_id = ?',
      )
      .get(removed.id) as { n: number };
    assert.equal(labels.n, 3);

    // Its page still opens (a window may show it), saying the document was removed.
    const [firstPage] = await dispatch('listPages', { documentId: removed.id });
    assert.deepEqual(withoutTimes((await dispatch('getPage', { pageId: firstPage.id })).documentRemoved), { at: 'time', by: 'me' });
    assert.equal(
      (await dispatch('getPage', { pageId: (await dispatch('listPages', { documentId: kept.id }))[0].id })).documentRemoved,
      null,
    );
    await assert.rejects(dispatch('removeDocument', { documentId: removed.id }), /is already removed/);
    await dispatch('restoreDocument', { documentId: removed.id });
    assert.deepEqual(await dispatch('projectInfo', {}), before);
    assert.deepEqual(await dispatch('listRemovedDocuments', {}), []);
    assert.deepEqual(await dispatch('listDocuments', {}), [kept, removed]);

    await dispatch('renameDocument', { documentId: kept.id, name: '  Register 1723 ' });
    const renamed = (await dispatch('listDocuments', {}))[0];
    assert.deepEqual(renamed, { ...kept, name: 'Register 1723' });
    await assert.rejects(dispatch('renameDocument', { documentId: kept.id, name: '   ' }), /name/);
    await assert.rejects(dispatch('removeDocument', { documentId: 999 }), /no document 999 in this project/);
  } finally {
    project.close();
  }
});

test('importing the file of a removed document again says it was removed, and imports nothing', async () => {
  const made = await manyLinesProject(2, { pages: 1, labeled: 0 });
  const project = Project.open(made.dir);
  const { dispatch } = createDispatcher(createService(project));
  try {
    const [doc] = await dispatch('listDocuments', {});
    await dispatch('removeDocument', { documentId: doc.id });
    const report = await dispatch('importFiles', { paths: [doc.sourceFile] });
    assert.deepEqual(report.imported, []);
    assert.match(
      report.duplicates[0].reason,
      /which was removed: restore it \(Removed documents, below the documents; quire document restore\)/,
    );
    assert.deepEqual(await dispatch('listDocuments', {}), []);
  } finally {
    project.close();
  }
});

test('a transcription of pages, or an export of documents, naming a removed document is refused with its name', async () => {
  const made = await manyLinesProject(4, { pages: 2, labeled: 0 });
  const project = Project.open(made.dir);
  const started: unknown[] = [];
  const runner = { start: (r: unknown) => started.push(r) && started.length, live: () => ({ waiting: [] }) } as unknown as JobRunner;
  const { dispatch } = createDispatcher(createService(project, () => {}, runner));
  try {
    const [kept, removed] = await dispatch('listDocuments', {});
    await dispatch('removeDocument', { documentId: removed.id });
    await assert.rejects(
      dispatch('startTranscription', { modelId: made.modelId, pageIds: made.pageIds }),
      new RegExp(`document ${removed.id} \\("${removed.name}"\\) was removed: restore it first`),
    );
    const out = join(tempDir(), 'export');
    await assert.rejects(dispatch('exportDocuments', { format: 'text', out, documentIds: [removed.id] }), /was removed: restore it first/);
    await assert.rejects(
      dispatch('exportDocuments', { format: 'text', out, documentIds: [kept.id, 99] }),
      /no document 99 in this project/,
    );
    assert.deepEqual(started, []);
    await dispatch('startTranscription', { modelId: made.modelId, pageIds: [made.pageIds[0]] });
    assert.equal(started.length, 1, 'the kept document’s page is read');
  } finally {
    project.close();
  }
});
