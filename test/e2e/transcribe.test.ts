// End to end in Chromium: open a page imported from PAGE XML, transcribe three lines with
// the keyboard only, reload and find them again, and find them by search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { importPageFixture } from '../helpers/page-fixture.ts';

const fixture = useBrowserApp(async (project) => {
  await importPageFixture(project);
});

test('transcribe three lines with the keyboard, reload, and search', async () => {
  const page = await openPageScreen(fixture());
  const field = page.getByTestId('line-text');
  await field.waitFor();
  // The first unlabeled line is selected and focused.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  const typed = ['Witnesses: the widow Kemp', 'Item paid for candles 3d', 'Baptised the same day'];
  for (const text of typed) {
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }
  await page.screenshot({ path: join(ARTIFACTS, 'transcribe.png') });
  await page.reload();
  // A reload comes back to the page and line (the address keeps them).
  await field.waitFor();
  const labeled = await page.locator('nav span').first().innerText();
  assert.match(labeled, /4\/4 lines labeled/);
  assert.equal(await field.inputValue(), typed[2], 'back on the last line typed');
  // Reading order: line 2 (was unlabeled), then the first two lines of the second region.
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
  const texts: string[] = [];
  for (let i = 0; i < 4; i++) {
    texts.push(await field.inputValue());
    await page.keyboard.press('ArrowDown');
  }
  assert.deepEqual(texts.slice(0, 4), ['Anno 1743 the 4th of May', ...typed]);
  await page.getByTestId('search').fill('candle');
  await page.keyboard.press('Enter');
  const results = page.getByTestId('search-results');
  await results.waitFor();
  assert.match(await results.innerText(), /Item paid for candles 3d/);
  await page.screenshot({ path: join(ARTIFACTS, 'search.png') });
});
