import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOME, isNewStep, placeFrom, searchFor } from '../../../renderer/src/lib/location-state.ts';

test('a place survives the round trip through the address, keeping the token', () => {
  const place = { screen: 'documents' as const, documentId: 3, pageId: 12, lineId: 202 };
  const search = searchFor(place, '?token=abc&page=1&line=9');
  assert.equal(search, '?token=abc&document=3&page=12&line=202');
  assert.deepEqual(placeFrom(search), place);
  assert.equal(searchFor({ ...HOME, screen: 'review' }, '?token=abc&page=4'), '?token=abc&screen=review');
  assert.equal(searchFor(HOME), '');
});

test('a missing or malformed address is the document list; a line needs its page', () => {
  assert.deepEqual(placeFrom(''), HOME);
  assert.deepEqual(placeFrom('?screen=admin&page=-1&line=2&document=1e3'), HOME);
  assert.deepEqual(placeFrom('?screen=training'), { ...HOME, screen: 'training' });
  assert.deepEqual(placeFrom('?line=5'), HOME);
  assert.deepEqual(placeFrom('?page=7&line=x'), { ...HOME, pageId: 7 });
});

test('another line of the same page is not a new history step; another page or screen is', () => {
  const at = { ...HOME, pageId: 4, lineId: 1 };
  assert.equal(isNewStep(at, { ...at, lineId: 2 }), false);
  assert.equal(isNewStep(at, { ...at, pageId: 5 }), true);
  assert.equal(isNewStep(at, { ...at, screen: 'review' }), true);
  assert.equal(isNewStep(HOME, { ...HOME, documentId: 2 }), true);
});

test('a page is on the documents screen, with its document, whatever screen an older address named with it', () => {
  assert.deepEqual(placeFrom('?screen=training&page=1&line=63'), { screen: 'documents', documentId: null, pageId: 1, lineId: 63 });
  assert.deepEqual(placeFrom('?screen=review&document=7&page=3'), { screen: 'documents', documentId: 7, pageId: 3, lineId: null });
  assert.equal(placeFrom('?screen=review&page=x').screen, 'review');
});
