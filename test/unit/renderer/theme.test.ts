import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shownTheme, storedTheme, THEME_KEY, toggleTheme } from '../../../renderer/src/lib/theme.ts';

const memory = (init: Record<string, string> = {}) => {
  const m = new Map(Object.entries(init));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

test("the system's theme is shown until one is picked; the pick is remembered", () => {
  const s = memory();
  assert.equal(shownTheme(storedTheme(s), true), 'dark');
  assert.equal(shownTheme(storedTheme(s), false), 'light');
  assert.equal(toggleTheme(s, true), 'light', 'the toggle picks the other theme from the one shown');
  assert.equal(shownTheme(storedTheme(s), true), 'light', 'and the pick wins over the system');
  assert.equal(toggleTheme(s, true), 'dark');
  assert.equal(s.getItem(THEME_KEY), 'dark');
});

test('anything else stored is ignored', () => {
  assert.equal(storedTheme(memory({ [THEME_KEY]: 'sepia' })), null);
});
