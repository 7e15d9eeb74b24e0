// The one definition of labeled, unlabeled, predicted and excluded lines (main/db/line-sets.ts)
// as every list and count of the data layer applies it: a line saved empty by a person is
// labeled; a model's text or a withdrawn row is not a label; lines of excluded regions and of
// documents still importing are left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../../main/db/database.ts';
import {
  correctedPageIds,
  datasetLineIds,
  labeledLineRows,
  predictedCandidates,
  predictedLineRows,
  unlabeledLineRows,
} from '../../../main/db/dataset.ts';
import { documentSummaries, insertDocument, projectCounts } from '../../../main/db/documents.ts';
import { withdrawAfter } from '../../../main/db/history.ts';
import { insertLine } from '../../../main/db/lines.ts';
import { insertModel } from '../../../main/db/models.ts';
import { insertPage, pageSummaries } from '../../../main/db/pages.ts';
import { upsertPrediction } from '../../../main/db/predictions.ts';
import { insertRegions, setRegionExcluded } from '../../../main/db/regions.ts';
import { addTranscription } from '../../../main/db/transcriptions.ts';

const square = JSON.stringify([
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
]);

function fixture() {
  const db = openDatabase(':memory:');
  const line = (pageId: number, order: number, regionId: number | null = null) =>
    insertLine(db, {
      pageId,
      order,
      polygon: square,
      baseline: null,
      box: { x: 0, y: 0, w: 10, h: 10 },
      sourceName: null,
      split: 'train',
      regionId,
    });
  const doc = insertDocument(db, { name: 'register', kind: 'scan', sourcePath: 'r.tif', sourceHash: 'h1' });
  const page = insertPage(db, { documentId: doc, index: 0, imageHash: 'img1', width: 100, height: 100, dpi: null });
  const [kept, stamp] = insertRegions(db, page, [
    { type: 'paragraph', polygon: [] },
    { type: 'other', polygon: [] },
  ]);
  setRegionExcluded(db, stamp, true);
  const ids = {
    typed: line(page, 0, kept),
    savedEmpty: line(page, 1, kept),
    modelOnly: line(page, 2),
    withdrawn: line(page, 3),
    untouched: line(page, 4),
    inStamp: line(page, 5, stamp),
  };
  addTranscription(db, ids.typed, 'Anno domini', 'ann', 'human');
  addTranscription(db, ids.savedEmpty, '', 'ann', 'human');
  addTranscription(db, ids.modelOnly, 'guess', 'model', 'model:1');
  addTranscription(db, ids.withdrawn, 'oops', 'ann', 'human');
  withdrawAfter(db, ids.withdrawn, 0);
  addTranscription(db, ids.inStamp, 'STAMP', 'ann', 'human');
  const model = insertModel(db, {
    name: 'm',
    kind: 'finetune',
    parentId: null,
    config: '{}',
    metrics: '{}',
    trainingSet: '[]',
    weightsHash: 'w',
    backend: null,
    durationS: null,
  });
  for (const id of [ids.typed, ids.modelOnly, ids.untouched, ids.inStamp])
    upsertPrediction(db, id, model, { text: 'x', confidence: 0.5, charConfidence: '[0.5]' });
  // A document still importing (document-writer.ts): its lines exist but count nowhere yet.
  const pending = insertDocument(db, { name: 'half', kind: 'scan', sourcePath: 'h.tif', sourceHash: `importing:1:h2` });
  const pendingPage = insertPage(db, { documentId: pending, index: 0, imageHash: 'img2', width: 100, height: 100, dpi: null });
  addTranscription(db, line(pendingPage, 0), 'not yet', 'ann', 'import:h.xml');
  return { db, ids, page, model };
}

test('labeled: a current human or imported row, an empty one too; not a model row, not a withdrawn one', () => {
  const { db, ids } = fixture();
  const labeled = labeledLineRows(db);
  assert.deepEqual(
    labeled.map((l) => [l.lineId, l.text]),
    [
      [ids.typed, 'Anno domini'],
      [ids.savedEmpty, ''],
    ],
  );
  assert.deepEqual(
    unlabeledLineRows(db).map((l) => l.id),
    [ids.modelOnly, ids.withdrawn, ids.untouched],
  );
  // Every line to transcribe is one or the other.
  assert.deepEqual(datasetLineIds(db), [ids.typed, ids.savedEmpty, ids.modelOnly, ids.withdrawn, ids.untouched]);
});

test('predicted: unlabeled lines a model read, outside excluded regions', () => {
  const { db, ids, model } = fixture();
  const newest = predictedCandidates(db, null).map((l) => l.lineId);
  assert.deepEqual(newest.sort(), [ids.modelOnly, ids.untouched].sort());
  assert.deepEqual(
    predictedCandidates(db, model)
      .map((l) => l.lineId)
      .sort(),
    newest,
  );
  assert.deepEqual(predictedCandidates(db, model + 1), []);
  // The rows to show: of the lines asked, those still predicted.
  const all = Object.values(ids);
  assert.deepEqual(
    predictedLineRows(db, null, all)
      .map((l) => l.lineId)
      .sort(),
    newest,
  );
});

test('counts of the project, its documents and pages follow the same definitions', () => {
  const { db, page } = fixture();
  assert.deepEqual(projectCounts(db), { documents: 1, pages: 1, lines: 5, labeled: 2 });
  const [doc] = documentSummaries(db);
  assert.equal(documentSummaries(db).length, 1, 'a document still importing is not listed');
  assert.equal(doc.lines, 5);
  assert.equal(doc.labeled, 2);
  const [summary] = pageSummaries(db, doc.id);
  assert.equal(summary.id, page);
  assert.deepEqual([summary.lines, summary.labeled, summary.predicted], [5, 2, 2]);
});

test('a corrected page has every line outside excluded regions labeled', () => {
  const { db, ids, page } = fixture();
  assert.deepEqual(correctedPageIds(db), []);
  for (const id of [ids.modelOnly, ids.withdrawn, ids.untouched]) addTranscription(db, id, '', 'ann', 'human');
  // The stamp's line needs no text; the pending document's page never counts.
  assert.deepEqual(correctedPageIds(db), [page]);
});
