// Review and Annotate next rank the stored readings by their least confident character, kept
// with each reading when it is stored (predictions.min_confidence), and show the chosen lines
// with their reading: Review least confident first, Annotate next one line per page per round
// (proposeLines). A line labeled since leaves both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertPrediction } from '../../../main/db/predictions.ts';
import { addTranscription } from '../../../main/db/transcriptions.ts';
import { reviewLines, suggestLines } from '../../../main/jobs/suggest.ts';
import { archiveAndDelete, restoreArchivedLine } from '../../../main/layout/line-archive.ts';
import { Project } from '../../../main/project/project.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';

test('readings are ranked by their least confident character; Annotate next spreads over pages', async () => {
  const made = await manyLinesProject(6, { pages: 2, labeled: 0 });
  const project = Project.open(made.dir);
  try {
    const lines = project.db.prepare('SELECT id, page_id FROM lines ORDER BY id').all() as Array<{ id: number; page_id: number }>;
    // Line confidence says little: a reading sure of most characters and unsure of one ranks by that one.
    const chars = [[0.9, 0.2], [0.5, 0.6], [0.95], [0.3, 0.99], [], [0.4]];
    lines.forEach((l, i) =>
      upsertPrediction(project.db, l.id, made.modelId, {
        text: 'x'.repeat(chars[i].length),
        confidence: 0.8,
        charConfidence: JSON.stringify(chars[i]),
      }),
    );
    const review = reviewLines(project, 10);
    assert.deepEqual(
      review.map((r) => [r.lineId, r.confidence]),
      [
        [lines[0].id, 0.2],
        [lines[3].id, 0.3],
        [lines[5].id, 0.4],
        [lines[1].id, 0.5],
        [lines[4].id, 0.8], // no character: the line's confidence
        [lines[2].id, 0.95],
      ],
    );
    assert.ok(review.every((r) => r.prediction !== undefined && r.cropKey && r.documentName));
    // Pages 1 (lines 0-2) and 2 (lines 3-5): one line of each per round, the page with the least confident line first.
    assert.deepEqual(
      suggestLines(project, made.modelId, 4).map((r) => r.lineId),
      [lines[0].id, lines[3].id, lines[1].id, lines[5].id],
    );
    addTranscription(project.db, lines[0].id, 'checked', 'me', 'human');
    assert.equal(reviewLines(project, 1)[0].lineId, lines[3].id, 'a labeled line leaves Review');
    assert.equal(suggestLines(project, null, 1)[0].lineId, lines[3].id, 'and Annotate next');
    // A reading stored again replaces the rank it had.
    upsertPrediction(project.db, lines[2].id, made.modelId, { text: 'y', confidence: 0.8, charConfidence: '[0.01]' });
    assert.equal(reviewLines(project, 1)[0].lineId, lines[2].id);
  } finally {
    project.close();
  }
});

test('a line removed before readings kept their least confident character is restored with it', async () => {
  const made = await manyLinesProject(2, { pages: 1, labeled: 0 });
  const project = Project.open(made.dir);
  try {
    const [a, b] = (project.db.prepare('SELECT id FROM lines ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    upsertPrediction(project.db, a, made.modelId, { text: 'ab', confidence: 0.9, charConfidence: '[0.95,0.05]' });
    upsertPrediction(project.db, b, made.modelId, { text: 'cd', confidence: 0.5, charConfidence: '[0.5,0.5]' });
    const archiveId = archiveAndDelete(project, a, 'deleted');
    // As an archive written before migration 15 holds it: the reading without the key.
    const row = project.db.prepare('SELECT extra FROM deleted_lines WHERE id = ?').get(archiveId) as { extra: string };
    const extra = JSON.parse(row.extra) as { predictions: Array<Record<string, unknown>> };
    for (const p of extra.predictions) delete p.min_confidence;
    project.db.prepare('UPDATE deleted_lines SET extra = ? WHERE id = ?').run(JSON.stringify(extra), archiveId);
    const { lineId } = restoreArchivedLine(project, archiveId);
    const [first] = reviewLines(project, 1);
    assert.deepEqual([first.lineId, first.confidence], [lineId, 0.05], 'ranked by its least confident character, not the line’s 0.9');
  } finally {
    project.close();
  }
});
