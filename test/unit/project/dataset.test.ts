// Training data, search and the project's counts never include lines of a document whose
// import has not finished: such lines exist while a large import commits in slices, and
// vanish if it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService } from '../../../main/api/service.ts';
import { allLineIds, labeledLines, unlabeledLineIds } from '../../../main/project/dataset.ts';
import { Project } from '../../../main/project/project.ts';
import { lineProject } from '../../helpers/line-project.ts';

test('labeled, unlabeled and all lines, search and counts leave out documents still being imported', async () => {
  const dir = await lineProject(6, 4);
  const project = Project.open(dir);
  const api = createService(project);
  const word = labeledLines(project)[0].text.split(' ')[0];
  try {
    assert.deepEqual([labeledLines(project).length, unlabeledLineIds(project).length, allLineIds(project).length], [4, 2, 6]);
    assert.ok((await api.search({ query: word })).length > 0);
    assert.deepEqual(await api.projectInfo({}).then((i) => [i.lines, i.labeled]), [6, 4]);
    assert.equal((await api.projectInfo({})).pages, 0, 'line images count as lines, not as pages');
    // The same document as an import in progress would mark it (pid of this live process).
    project.db.prepare(`UPDATE documents SET source_hash = 'importing:${process.pid}:' || source_hash`).run();
    assert.deepEqual([labeledLines(project).length, unlabeledLineIds(project).length, allLineIds(project).length], [0, 0, 0]);
    assert.deepEqual(await api.search({ query: word }), []);
    assert.deepEqual(await api.projectInfo({}).then((i) => [i.lines, i.labeled]), [0, 0]);
  } finally {
    project.close();
  }
});

test('a line saved empty is labeled everywhere: in the counts and in the training data', async () => {
  const dir = await lineProject(4, 2);
  const project = Project.open(dir);
  const api = createService(project);
  try {
    const [empty] = unlabeledLineIds(project);
    await api.saveTranscription({ lineId: empty, text: '' });
    assert.ok(
      labeledLines(project).some((l) => l.lineId === empty && l.text === ''),
      'trained on as a line that reads as nothing',
    );
    assert.ok(!unlabeledLineIds(project).includes(empty));
    assert.deepEqual(await api.projectInfo({}).then((i) => [i.lines, i.labeled]), [4, 3]);
  } finally {
    project.close();
  }
});
