// Search finds people's text first, then the model's readings of lines no one has
// transcribed (marked as model readings); the readings' index follows transcription runs
// (insert, re-read), deleted models and deleted lines, and migration 7 indexes the readings
// a project already had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { search } from '../../../main/api/pages.ts';
import { markRanges } from '../../../main/db/search.ts';
import { markedParts } from '../../../renderer/src/lib/marked-parts.ts';
import { MIGRATIONS } from '../../../main/db/migrations.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { Project } from '../../../main/project/project.ts';
import { tempDir } from '../../helpers/project.ts';

/** SQL for one document, one page and lines 1–4; models 1 and 2. */
const PAGE = `INSERT INTO documents (id, name, kind, source_path, source_hash) VALUES (1, 'Parish book', 'scan', 'f', 'h');
  INSERT INTO pages (id, document_id, page_index, image_hash, width, height) VALUES (1, 1, 0, 'x', 10, 10);
  INSERT INTO lines (id, page_id, reading_order, polygon, box_x, box_y, box_w, box_h)
    VALUES (1, 1, 0, '[]', 0, 0, 1, 1), (2, 1, 1, '[]', 0, 0, 1, 1), (3, 1, 2, '[]', 0, 0, 1, 1), (4, 1, 3, '[]', 0, 0, 1, 1);
  INSERT INTO models (id, name, kind, config, weights_hash) VALUES (1, 'base', 'finetune', '{}', 'a'), (2, 'fine', 'finetune', '{}', 'b');`;

const read = (
  lineId: number,
  modelId: number,
  text: string,
) => `INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence)
  VALUES (${lineId}, ${modelId}, '${text}', 0.5, '[]') ON CONFLICT (line_id, model_id) DO UPDATE SET text = excluded.text;`;

function project(): Project {
  const p = Project.init(join(tempDir(), 'p'));
  p.db.exec(PAGE);
  return p;
}

const found = (p: Project, q: string) => search(p, q).map((h) => `${h.lineId}:${h.source}`);

test("people's text comes first, then model readings of untranscribed lines, marked as such", () => {
  const p = project();
  try {
    p.db.exec(`INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 'Baptism of Anna', 'ann', 'human');
      ${read(1, 1, 'Baptism of Anne')} ${read(2, 1, 'Baptism of Jacob')} ${read(3, 1, 'Burial of Maria')}`);
    assert.deepEqual(found(p, 'bapt'), ['1:human', '2:model'], 'line 1 is found by its text only, line 2 by its reading');
    const [hit] = search(p, 'jacob');
    assert.deepEqual([hit.text, hit.marks], ['Baptism of Jacob', [[11, 16]]]);
    assert.deepEqual([hit.documentName, hit.pageIndex, hit.pageId], ['Parish book', 0, 1]);
    assert.deepEqual(found(p, 'anne'), [], "a transcribed line's misreading is not found");
    assert.deepEqual(
      search(p, 'bapt', 1).map((h) => h.source),
      ['human'],
      'the limit counts both groups',
    );
    p.db.exec("INSERT INTO transcriptions (line_id, text, author, source) VALUES (2, 'Baptism of Jakob', 'ann', 'human')");
    assert.deepEqual(found(p, 'jacob'), [], 'once transcribed, the reading is no longer searched');
    p.db.exec("UPDATE transcriptions SET withdrawn_at = 'now' WHERE line_id = 2");
    assert.deepEqual(found(p, 'jacob'), ['2:model'], 'an undone transcription gives the line back to its reading');
  } finally {
    p.close();
  }
});

test("a match is a range of the text: the text's own brackets (Leiden [[erasure]]) are text, not marks", () => {
  const p = project();
  try {
    p.db.exec(`INSERT INTO transcriptions (line_id, text, author, source) VALUES (1, 'Item [[deleted]] bread [x]', 'ann', 'human')`);
    const [hit] = search(p, 'bread');
    assert.equal(hit.text, 'Item [[deleted]] bread [x]');
    assert.deepEqual(markedParts(hit.text, hit.marks), [
      { text: 'Item [[deleted]] ', marked: false },
      { text: 'bread', marked: true },
      { text: ' [x]', marked: false },
    ]);
    assert.deepEqual(search(p, 'deleted')[0].marks, [[7, 14]]);
  } finally {
    p.close();
  }
});

test('marks read off a marked copy; none where the copy is not the text', () => {
  assert.deepEqual(markRanges('ab cd', 'ab \u0002cd\u0003'), [[3, 5]]);
  assert.deepEqual(markRanges('ab cd', '\u0002ab\u0003 \u0002cd\u0003'), [
    [0, 2],
    [3, 5],
  ]);
  assert.deepEqual(markRanges('ab cd', 'ab  \u0002cd\u0003'), [], 'a copy that differs marks nothing');
  assert.deepEqual(markRanges('ab', '\u0002ab'), [], 'an unclosed mark');
  assert.deepEqual(
    markedParts('abc', [
      [1, 9],
      [2, 3],
      [1, 2],
    ]),
    [
      { text: 'ab', marked: false },
      { text: 'c', marked: true },
    ],
    'ranges out of the text or order are skipped',
  );
});

test('the index holds the newest reading: re-read, a newer model, a deleted model, a deleted line', () => {
  const p = project();
  try {
    p.db.exec(read(3, 1, 'Burial of Maria'));
    p.db.exec(read(3, 1, 'Burial of Marta'));
    assert.deepEqual([found(p, 'maria'), found(p, 'marta')], [[], ['3:model']], 'a re-read replaces the text');
    p.db.exec(read(3, 2, 'Burial of Martha'));
    assert.deepEqual(
      [found(p, 'marta'), found(p, 'martha')],
      [[], ['3:model']],
      "the newer model's reading is the one shown, and searched",
    );
    p.db.exec('DELETE FROM models WHERE id = 2');
    assert.deepEqual([found(p, 'marta'), found(p, 'martha')], [['3:model'], []], 'deleting a model falls back to the reading left');
    p.db.exec('DELETE FROM lines WHERE id = 3');
    assert.deepEqual(found(p, 'burial'), []);
    assert.equal((p.db.prepare('SELECT count(*) AS n FROM prediction_text_fts').get() as { n: number }).n, 0);
  } finally {
    p.close();
  }
});

test('migration 7 indexes the readings a version-6 project already has', () => {
  const path = join(tempDir(), 'q.db');
  const v6 = openDatabase(path, MIGRATIONS.slice(0, 6));
  v6.exec(`${PAGE} ${read(4, 1, 'Item for candles')} ${read(4, 2, 'Item for bread')}`);
  v6.close();
  const db = openDatabase(path);
  try {
    const rows = db.prepare('SELECT rowid, text FROM prediction_text_fts').all();
    assert.deepEqual(rows, [{ rowid: 4, text: 'Item for bread' }]);
  } finally {
    db.close();
  }
});
