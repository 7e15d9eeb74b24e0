import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultStart, keptStart, restoredStart } from '../../../renderer/src/lib/training-start.ts';

const base = { id: 1, base: true };
const tuned = { id: 2, base: false };

test('fine-tuning is proposed from the current model, else the base model, never from scratch', () => {
  assert.equal(defaultStart([], null), 'base', 'a new project: the bundled base model, added when the job starts');
  assert.equal(defaultStart([base], null), 1);
  assert.equal(defaultStart([base, tuned], 2), 2);
  assert.equal(defaultStart([base, tuned], 9), 1, 'a current model no longer listed is not proposed');
  assert.equal(defaultStart([tuned], null), 'base', 'the base model deleted: it is offered again');
});

test('a remembered start comes back while it still means something', () => {
  assert.equal(restoredStart('scratch', [base], null), 'scratch', 'scratch chosen by name stays');
  assert.equal(restoredStart(2, [base, tuned], 1), 2);
  assert.equal(restoredStart(7, [base, tuned], 2), 2, 'a deleted model: the proposed start');
  assert.equal(restoredStart(null, [base], null), 1, 'null was both scratch and "not chosen" before: the proposed start');
  assert.equal(restoredStart(undefined, [], null), 'base');
  assert.equal(restoredStart('base', [tuned, base], 2), 1, 'the base model once added is named by its id');
  assert.equal(restoredStart('nonsense', [base], null), 1);
});

test('a start follows the model list', () => {
  assert.equal(keptStart('base', [base], null), 1, 'the base model added meanwhile');
  assert.equal(keptStart(2, [base], null), 1, 'the model it named was deleted');
  assert.equal(keptStart('scratch', [], null), 'scratch');
  assert.equal(keptStart(2, [base, tuned], null), 2);
});
