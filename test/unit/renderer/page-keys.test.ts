// The page screen's keys outside the text fields, and the keys kept while a page opens
// after Enter on the previous page's last line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isZoomToggle, pageKeyAction, typedKey } from '../../../renderer/src/lib/page-keys.ts';

const key = (
  k: string,
  o: Partial<{ code: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; isComposing: boolean; altGraph: boolean }> = {},
) => ({
  key: k,
  code: o.code ?? '',
  altKey: o.altKey ?? false,
  ctrlKey: o.ctrlKey ?? false,
  metaKey: o.metaKey ?? false,
  isComposing: o.isComposing ?? false,
  getModifierState: (m: string) => m === 'AltGraph' && (o.altGraph ?? false),
});

test('line tools and view keys', () => {
  assert.equal(pageKeyAction(key('d')), 'draw');
  assert.equal(pageKeyAction(key('s')), 'split');
  assert.equal(pageKeyAction(key('m')), 'merge');
  assert.equal(pageKeyAction(key('t')), 'page-text');
  assert.equal(pageKeyAction(key('Delete')), 'delete');
  assert.equal(pageKeyAction(key('Escape')), 'select-mode');
  assert.equal(pageKeyAction(key('ArrowUp', { altKey: true })), 'order-up');
  assert.equal(pageKeyAction(key('ArrowDown', { altKey: true })), 'order-down');
  assert.equal(pageKeyAction(key('ArrowDown')), null, 'plain arrows are the canvas’s');
  assert.ok(isZoomToggle(key('Ω', { code: 'KeyZ', altKey: true })), 'Alt+Z by its key position, whatever the layout types');
  assert.ok(!isZoomToggle(key('z', { code: 'KeyZ', altKey: true, ctrlKey: true })));
  assert.equal(pageKeyAction(key('Ω', { code: 'KeyZ', altKey: true })), null, 'Alt+Z is asked first, from any field (isZoomToggle)');
  for (const k of [key('d', { ctrlKey: true }), key('m', { metaKey: true }), key('d', { altKey: true }), key('x')])
    assert.equal(pageKeyAction(k), null);
});

test('while a page opens: typed characters (AltGr ones too) are kept, Backspace takes one back, the rest is left alone', () => {
  assert.equal(typedKey(key('a')), 'a');
  assert.equal(typedKey(key('É')), 'É');
  assert.equal(typedKey(key('𝔄')), '𝔄', 'one character outside the BMP');
  assert.equal(typedKey(key('@', { altKey: true, ctrlKey: false, altGraph: true })), '@');
  assert.equal(typedKey(key('Backspace')), 'backspace');
  for (const k of [
    key('Enter'),
    key('ArrowDown'),
    key('c', { ctrlKey: true }),
    key('p', { altKey: true }),
    key('a', { isComposing: true }),
    key('Shift'),
  ])
    assert.equal(typedKey(k), null, k.key);
});
