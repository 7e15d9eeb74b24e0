// A failed import rolls back the page images it added, but never pixels that a page of the
// project refers to by then (two overlapping imports of the same scan).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeImageIfUnused, writeDocument } from '../../../main/import/document-writer.ts';
import { png } from '../../helpers/images.ts';
import { newProject } from '../../helpers/project.ts';

test('rolling back an added image keeps it where another document uses it by now', async () => {
  const project = newProject();
  const shared = project.images.add(await png(40, 30), {});
  const lone = project.images.add(await png(41, 30), {});
  assert.ok(shared.created && lone.created);
  // The other import committed first: its page refers to the shared scan.
  await writeDocument(project.db, {
    name: 'other',
    kind: 'scan',
    sourcePath: 'other.png',
    sourceHash: 'x'.repeat(64),
    pages: [{ imageHash: shared.hash, width: 40, height: 30, dpi: null }],
    transcriptionSource: 'import:other.png',
  });
  removeImageIfUnused(project.db, project.images, shared.hash);
  removeImageIfUnused(project.db, project.images, lone.hash);
  assert.ok(project.images.has(shared.hash), 'the other document keeps its pixels');
  assert.ok(!project.images.has(lone.hash), 'an image nobody uses goes');
  project.close();
});
