// Training data never includes lines of a document whose import has not finished: such
// lines exist while a large import commits in slices, and vanish if it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allLineIds, labeledLines, unlabeledLineIds } from '../../../main/project/dataset.ts';
import { Project } from '../../../main/project/project.ts';
import { lineProject } from '../../helpers/line-project.ts';

test('labeled, unlabeled and all lines leave out documents still being imported', async () => {
  const dir = await lineProject(6, 4);
  const project = Project.open(dir);
  try {
    assert.deepEqual([labeledLines(project).length, unlabeledLineIds(project).length, allLineIds(project).length], [4, 2, 6]);
    // The same document as an import in progress would mark it (pid of this live process).
    project.db.prepare(`UPDATE documents SET source_hash = 'importing:${process.pid}:' || source_hash`).run();
    assert.deepEqual([labeledLines(project).length, unlabeledLineIds(project).length, allLineIds(project).length], [0, 0, 0]);
  } finally {
    project.close();
  }
});
