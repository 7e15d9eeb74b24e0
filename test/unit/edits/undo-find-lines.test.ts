// Undo of Find lines when it runs again on a page: the lines it replaces are archived while
// the new ones take fresh ids, so the step goes back and forth like any other; an edit that
// reuses a removed line's id is not recorded at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createService } from '../../../main/api/service.ts';
import { desktopRunner } from '../../../main/db/execute.ts';
import { UndoStack } from '../../../main/edits/undo-stack.ts';
import { insertLines } from '../../../main/import/insert-lines.ts';
import { archiveAndDelete } from '../../../main/layout/line-archive.ts';
import { updateLineGeometry } from '../../../main/layout/line-edits.ts';
import { editPage, rect } from '../../helpers/edit-page.ts';
import { writeSynthPage } from '../../helpers/images.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

test('a second Find lines on a page undoes, redoes and undoes again', async () => {
  const file = join(tempDir(), 'folio.png');
  await writeSynthPage(3, file, { lines: 8 });
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [doc] = await api.listDocuments({});
  const [{ id: pageId }] = await api.listPages({ documentId: doc.id });
  const lines = async () => (await api.getPage({ pageId })).lines.map((l) => [l.id, JSON.stringify(l.polygon)]);
  await api.segmentPages({ pageIds: [pageId], segmenter: 'classical' });
  const found = await lines();
  assert.ok(found.length >= 4, `${found.length} lines found`);
  // A hand edit in between, so that the second run changes the page.
  const [[first]] = found;
  await api.updateLineGeometry({
    lineId: first as number,
    polygon: [
      [10, 10],
      [300, 10],
      [300, 40],
      [10, 40],
    ],
    baseline: null,
  });
  const edited = await lines();
  await api.segmentPages({ pageIds: [pageId], segmenter: 'classical' });
  const second = await lines();
  assert.notDeepEqual(second, edited);
  await api.undo({});
  assert.deepEqual(await lines(), edited);
  await api.redo({});
  assert.deepEqual(await lines(), second);
  await api.undo({});
  assert.deepEqual(await lines(), edited);
  await api.undo({});
  assert.deepEqual(await lines(), found);
  await api.undo({});
  assert.deepEqual(await lines(), []);
});

test('an edit that hands a removed line’s id to a new line is not recorded, and its page’s history is dropped', async () => {
  const { project, pageId, add } = await editPage();
  const history = new UndoStack();
  const a = await add(100);
  await history.record(
    desktopRunner(() => project.db),
    'shape of line 1',
    [pageId],
    () => updateLineGeometry(project, a, rect(100, 90, 600, 60), null),
  );
  await history.record(
    desktopRunner(() => project.db),
    'replacing a line',
    [pageId],
    () => {
      archiveAndDelete(project, a, 'test');
      const [b] = insertLines(
        project.db,
        pageId,
        [{ polygon: rect(100, 300, 600, 40), baseline: null, text: null, split: 'train' }],
        'segmentation',
      );
      assert.equal(b, a);
    },
  );
  assert.deepEqual(history.state(), { undo: null, redo: null });
});
