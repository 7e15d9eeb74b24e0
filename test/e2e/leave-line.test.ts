// End to end, leaving a line with the mouse: text typed on it is saved as Enter would save
// it, whether the person clicks a neighbour line, a line on the page, or goes to another
// page; a failed save stays on screen until that line is saved, whatever other lines save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { addSynthPages } from '../helpers/synth-project.ts';

const fixture = useBrowserApp(async (project) => {
  await addSynthPages(project, [71, 72], { lines: 4, oneDocument: true });
});

const textOf = (order: number, pageIndex = 0) =>
  (
    fixture()
      .app.project.db.prepare(
        `SELECT ct.text FROM lines l JOIN pages p ON p.id = l.page_id
         LEFT JOIN current_transcriptions ct ON ct.line_id = l.id WHERE p.page_index = ? AND l.reading_order = ?`,
      )
      .get(pageIndex, order) as { text: string | null }
  ).text;

async function waitFor(check: () => boolean, what: string) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

test('a line left by a click on its neighbour, or by going to the next page, is saved', async () => {
  const page = await openPageScreen(fixture());
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await page.keyboard.type('clicked away');
  await page.locator('button.neighbour').last().click();
  await waitFor(() => textOf(0) === 'clicked away', 'line 1 saved when its neighbour was clicked');
  await page.getByTestId('line-text').and(page.getByLabel('transcription of line 2')).waitFor();
  await page.keyboard.type('left for the next page');
  await page.getByRole('button', { name: 'next page ›' }).click();
  await page.locator('nav strong').getByText('Page 2').waitFor();
  await waitFor(() => textOf(1) === 'left for the next page', 'line 2 saved when the page was left');
  await page.close();
});

test('a failed save stays on screen while other lines save', async () => {
  const page = await openPageScreen(fixture());
  let refuse = true;
  await page.route('**/api/saveTranscription', (route) =>
    refuse
      ? route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'failed', name: 'Error', message: 'disk full' }),
        })
      : route.continue(),
  );
  const field = page.getByTestId('line-text');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  const failed = Number(/line (\d+)/.exec((await field.getAttribute('aria-label')) ?? '')![1]);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('first try');
  await page.keyboard.press('Enter');
  const failure = page.getByRole('alert').getByText(`line ${failed} not saved (kept as a draft): disk full`);
  await failure.waitFor();
  refuse = false;
  await page.keyboard.type('next line');
  await page.keyboard.press('Enter');
  await waitFor(() => textOf(failed) === 'next line', `line ${failed + 1} saved`);
  // The first failure is still shown: the next line's save did not clear it.
  assert.equal(await failure.count(), 1);
  assert.notEqual(textOf(failed - 1), 'first try');
  // Back on that line, the person puts its saved text back: nothing is left unsaved, so the alert goes.
  // (Enter on the page's last line stays there while a save has failed.)
  for (let i = 0; i < 3 && (await field.getAttribute('aria-label')) !== `transcription of line ${failed}`; i++) {
    await page.keyboard.press('ArrowUp');
    await page.waitForTimeout(100);
  }
  assert.equal(await field.getAttribute('aria-label'), `transcription of line ${failed}`);
  const saved = (await field.getAttribute('data-saved')) ?? '';
  await page.keyboard.press('Control+A');
  await page.keyboard.type(saved || ' ');
  if (!saved) await page.keyboard.press('Backspace');
  await page.keyboard.press('Enter');
  await failure.waitFor({ state: 'detached' });
  await page.close();
});

test('Find lines on all pages of a document saves the drafts its pages hold first (a failed save left one)', async () => {
  const page = await openPageScreen(fixture());
  await page.route('**/api/saveTranscription', (route) =>
    route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ code: 'failed', name: 'Error', message: 'disk full' }),
    }),
  );
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  const label = (await page.getByTestId('line-text').getAttribute('aria-label'))!;
  const order = Number(/line (\d+)/.exec(label)![1]) - 1;
  assert.equal(textOf(order), null, 'an untranscribed line');
  await page.keyboard.type('only a draft');
  await page.keyboard.press('Enter');
  await page
    .getByRole('alert')
    .getByText(/not saved \(kept as a draft\): disk full/)
    .waitFor();
  await page.unroute('**/api/saveTranscription');
  await page.getByRole('button', { name: /^← / }).click();
  await page.getByTestId('segment-document').click();
  await page
    .getByRole('status')
    .getByText(/1 unsaved line text saved first, so that line was kept/)
    .waitFor({ timeout: 60_000 });
  const kept = fixture().app.project.db.prepare('SELECT count(*) AS n FROM current_transcriptions WHERE text = ?').get('only a draft') as {
    n: number;
  };
  assert.equal(kept.n, 1);
  await page.close();
});

test('Enter and ↓ pressed while an input method composes stay on the line and save nothing', async () => {
  const page = await openPageScreen(fixture());
  const field = page.getByTestId('line-text');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  const label = await field.getAttribute('aria-label');
  const saved = await field.getAttribute('data-saved');
  await page.keyboard.type('かな');
  for (const key of ['Enter', 'ArrowDown'])
    await field.evaluate((el, k) => el.dispatchEvent(new KeyboardEvent('keydown', { key: k, isComposing: true, bubbles: true })), key);
  await page.waitForTimeout(300);
  assert.equal(await field.getAttribute('aria-label'), label, 'still on the same line');
  assert.equal(await field.getAttribute('data-saved'), saved, 'nothing saved');
  await page.close();
});

test('a page that cannot be read says so, with a way back, instead of a blank screen', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage();
  await page.goto(app.server.url);
  await page.getByTestId('document').first().click();
  await page.route('**/api/getPage', (route) =>
    route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ code: 'failed', name: 'Error', message: 'disk unreadable' }),
    }),
  );
  await page.getByTestId('page').first().click();
  await page.getByTestId('page-error').getByText('This page could not be opened: disk unreadable').waitFor();
  await page.unroute('**/api/getPage');
  await page.getByTestId('page-error').getByRole('button', { name: '← back' }).click();
  await page.getByTestId('page').first().waitFor();
  await page.close();
});

test("keys typed after Enter on a page's last line begin the next page's line, and never join the line just saved", async () => {
  const page = await openPageScreen(fixture());
  const field = page.getByTestId('line-text');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  const position = page.locator('p.position');
  for (let i = 0; i < 10 && !/^Line (\d+) of \1/.test(await position.innerText()); i++) {
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(50);
  }
  const lastOrder = Number(/^Line (\d+)/.exec(await position.innerText())![1]) - 1;
  // The next page takes a moment to come: what is typed meanwhile must wait for it.
  await page.route('**/api/getPage', async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('last words');
  await page.keyboard.press('Enter');
  await page.keyboard.type('aheax');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('d');
  await page.locator('nav strong').getByText('Page 2').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await page.unroute('**/api/getPage');
  assert.equal(await field.inputValue(), 'ahead', 'the keys typed on the way begin the line the next page opens on');
  assert.equal(await page.getByTestId('unsaved').count(), 1, 'as an unsaved draft');
  await waitFor(() => textOf(lastOrder) === 'last words', 'the last line of page 1 saved as typed before Enter');
  const order = Number(/line (\d+)/.exec((await field.getAttribute('aria-label'))!)![1]) - 1;
  await page.keyboard.press('Enter');
  await waitFor(() => textOf(order, 1) === 'ahead', 'the line of page 2 saved with Enter');
  assert.equal(textOf(lastOrder), 'last words', 'nothing added to the line saved before');
  await page.close();
});

test('reloading or closing the window with typed text sends it, and asks before leaving while it is on its way', async () => {
  const page = await openPageScreen(fixture());
  const field = page.getByTestId('line-text');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  const order = Number(/line (\d+)/.exec((await field.getAttribute('aria-label'))!)![1]) - 1;
  // A slow save: still on its way when the window is closed.
  await page.route('**/api/saveTranscription', async (route) => {
    await new Promise((r) => setTimeout(r, 300));
    await route.continue();
  });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('typed, then the window closed');
  const asked = new Promise<string>((resolve) =>
    page.once('dialog', (d) => {
      resolve(d.type());
      void d.dismiss(); // stay
    }),
  );
  // A reload (this Chromium runs no beforeunload for a page closed by the driver; a
  // reload asks the same question a closing window does).
  void page.evaluate(() => location.reload()).catch(() => {});
  assert.equal(await Promise.race([asked, new Promise((r) => setTimeout(() => r('no question asked'), 5000))]), 'beforeunload');
  await waitFor(() => textOf(order, 0) === 'typed, then the window closed', 'the line saved while the window stayed');
  await page.close();
});
