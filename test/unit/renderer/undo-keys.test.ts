// Ctrl+Z undoes a saved edit, Ctrl+Shift+Z and Ctrl+Y redo it; while the transcription
// field holds unsaved typing, and in any other text input, the keys are the field's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { undoAction, type KeyLike } from '../../../renderer/src/lib/undo-keys.ts';

const key = (k: string, o: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: true,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...o,
});

test('the undo and redo keys', () => {
  assert.equal(undoAction(key('z'), null), 'undo');
  assert.equal(undoAction(key('z', { ctrlKey: false, metaKey: true }), null), 'undo');
  assert.equal(undoAction(key('Z', { shiftKey: true }), null), 'redo');
  assert.equal(undoAction(key('y'), null), 'redo');
  assert.equal(undoAction(key('z', { ctrlKey: false }), null), null);
  assert.equal(undoAction(key('z', { altKey: true }), null), null);
  assert.equal(undoAction(key('x'), null), null);
});

test('a field with unsaved typing keeps the keys; a saved one does not', () => {
  assert.equal(undoAction(key('z'), { unsaved: true }), null);
  assert.equal(undoAction(key('z'), { unsaved: false }), 'undo');
});

test("keys pressed while an input method composes are the composition's", () => {
  assert.equal(undoAction(key('z', { isComposing: true }), null), null);
});
