// End to end in Chromium, finding and keeping one's place: Search finds people's text and
// then the model's readings (marked "model reading"), walked with ↑/↓ and opened with
// Enter; the address keeps screen, page and line, so a reload comes back there and
// back/forward step between screens; Page text shows the page's whole text beside the
// image in reading order (model readings marked) and selects a line on click.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { addSynthPages } from '../helpers/synth-project.ts';

const LINES = 12;
let pages: number[] = [];
let lines: number[][] = [];

const fixture = useBrowserApp(async (project) => {
  pages = await addSynthPages(project, [41, 42], {
    lines: LINES,
    oneDocument: true,
    name: 'register',
    labeled: (line, page) => page === 0 && line < 3,
  });
  lines = pages.map((p) =>
    (project.db.prepare('SELECT id FROM lines WHERE page_id = ? ORDER BY reading_order').all(p) as Array<{ id: number }>).map((r) => r.id),
  );
  const db = project.db;
  db.prepare("INSERT INTO transcriptions (line_id, text, author, source) VALUES (?, 'Baptism of Wilhelm Krause', 'ann', 'human')").run(
    lines[0][1],
  );
  db.prepare("INSERT INTO models (id, name, kind, config, weights_hash) VALUES (1, 'm', 'finetune', '{}', 'x')").run();
  const read = db.prepare("INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (?, 1, ?, 0.4, '[]')");
  read.run(lines[0][0], 'Wilhelm misread on a transcribed line');
  read.run(lines[0][5], 'a reading of line six');
  read.run(lines[1][8], 'Wilhelm son of Krause');
});

/** The line the page screen has selected (the canvas follows it). */
const shownLine = (page: Page, lineId: number) =>
  page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.shownLine === String(id), lineId);

test("Search lists people's text first, then marked model readings; ↑/↓ and Enter open a result", async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  await page.getByTestId('document').first().waitFor();
  const box = page.getByTestId('search');
  await box.click();
  await page.keyboard.type('wilhelm');
  await page.keyboard.press('Enter');
  const results = page.getByTestId('search-results').getByRole('option');
  await results.nth(1).waitFor();
  assert.equal(await results.count(), 2, 'the misreading of a transcribed line is not listed');
  assert.deepEqual(await results.evaluateAll((els) => els.map((e) => e.getAttribute('data-source'))), ['human', 'model']);
  assert.match(await results.nth(0).innerText(), /register, p\. 1[\s\S]*Baptism of Wilhelm Krause/);
  assert.equal(await results.nth(0).getByText('model reading').count(), 0);
  assert.match(await results.nth(1).innerText(), /register, p\. 2\s*model reading[\s\S]*Wilhelm son of Krause/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await results.evaluateAll((els) => els.map((e) => e.getAttribute('aria-selected'))), ['false', 'true']);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search', 'the field keeps the keyboard');
  await page.screenshot({ path: join(ARTIFACTS, 'search-model-readings.png') });
  await page.keyboard.press('Enter');
  await page.getByTestId('line-text').waitFor();
  await shownLine(page, lines[1][8]);
  assert.equal(await page.getByTestId('search-results').count(), 0, 'the results close');
  await page.close();
});

test('a failed search, list of readings or pages, or Annotate next says so; a search answering after a newer one is not shown', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  await page.getByTestId('document').first().waitFor();
  const refuse = { status: 500, contentType: 'application/json', body: JSON.stringify({ name: 'Error', message: 'disk on fire' }) };
  // The first search answers late (after the second); the second is refused.
  let calls = 0;
  let releaseFirst = () => {};
  const firstHeld = new Promise<void>((ok) => (releaseFirst = ok));
  await page.route('**/api/search', async (route) => {
    if (++calls === 1) {
      await firstHeld;
      return route.continue();
    }
    return route.fulfill(refuse);
  });
  const box = page.getByTestId('search');
  await box.fill('wilhelm');
  await box.press('Enter');
  await box.fill('krause');
  await box.press('Enter');
  await page.getByTestId('search-error').waitFor();
  assert.match(await page.getByTestId('search-error').innerText(), /The search failed: disk on fire/);
  releaseFirst();
  await page.waitForTimeout(500);
  assert.equal(await page.getByTestId('search-results').getByRole('option').count(), 0, "the earlier search's answer is dropped");
  await box.press('Escape');
  assert.equal(await page.getByTestId('search-results').count(), 0, 'Esc closes the failure too');
  await page.unroute('**/api/search');

  let refused = 1;
  await page.route('**/api/reviewLines', (route) => (refused-- > 0 ? route.fulfill(refuse) : route.continue()));
  await page.getByRole('button', { name: 'Review' }).click();
  const error = page.getByTestId('review-error');
  await error.waitFor();
  assert.match(await error.innerText(), /could not be listed: disk on fire/);
  await error.getByRole('button', { name: 'Try again' }).click();
  await page.getByTestId('review').locator('li').first().waitFor();

  await page.route('**/api/suggestLines', (route) => route.fulfill(refuse));
  await page.getByTestId('annotate-next').click();
  await page.getByRole('alert').filter({ hasText: 'disk on fire' }).waitFor();

  await page.route('**/api/listPages', (route) => route.fulfill(refuse));
  await page.getByRole('button', { name: 'Documents' }).click();
  await page.getByTestId('document').first().click();
  await page.getByRole('status').filter({ hasText: 'The pages could not be listed: disk on fire' }).waitFor();
  await page.close();
});

test('a reload returns to the page and line; back and forward step between screens', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  await page.getByTestId('document').first().click();
  await page.getByTestId('page').nth(1).click();
  const field = page.getByTestId('line-text');
  await field.waitFor();
  await shownLine(page, lines[1][0]);
  for (let i = 0; i < 4; i++) await field.press('ArrowDown');
  await shownLine(page, lines[1][4]);
  await page.waitForFunction((id) => new URL(location.href).searchParams.get('line') === String(id), lines[1][4]);
  assert.equal(new URL(page.url()).searchParams.get('page'), String(pages[1]));
  await page.reload();
  await field.waitFor();
  await shownLine(page, lines[1][4]);
  assert.match(await page.locator('nav strong').first().innerText(), /Page 2/);
  await page.screenshot({ path: join(ARTIFACTS, 'navigation-reloaded.png') });
  // Back: the document's page list (moving between lines was not a step); back again: the documents.
  await page.goBack();
  await page.getByTestId('page').first().waitFor();
  assert.equal(await field.count(), 0);
  await page.goBack();
  await page.getByTestId('document').first().waitFor();
  assert.equal(await page.getByTestId('page').count(), 0);
  await page.goForward();
  await page.goForward();
  await field.waitFor();
  await shownLine(page, lines[1][4]);
  // Another screen, reloaded.
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByTestId('review').waitFor();
  await page.reload();
  await page.getByTestId('review').waitFor();
  assert.equal(await page.locator('header button[aria-pressed="true"]').innerText(), 'Review');
  // An address naming a page that is not there is the document list (the token stays: browser mode asks for it).
  await page.goto(`${app.server.url}&page=999999&line=4`);
  await page.getByTestId('document').first().waitFor();
  await page.close();
});

test("Page text shows the page's text in reading order beside the image; a click selects the line", async () => {
  const page = await openPageScreen(fixture());
  await page.getByTestId('toggle-page-text').click();
  const text = page.getByTestId('page-text');
  const items = text.locator('li');
  await items.first().waitFor();
  assert.equal(await items.count(), LINES);
  assert.match(await items.nth(1).innerText(), /^2\s+Baptism of Wilhelm Krause$/);
  assert.equal(await items.nth(5).locator('[data-source=model]').innerText(), 'a reading of line six');
  assert.equal(await items.nth(5).getByText('model', { exact: true }).count(), 1, 'a model reading is marked');
  assert.equal(await items.nth(0).locator('[data-source=model]').count(), 0, 'a transcribed line shows its text, not the reading');
  const boxes = await Promise.all([page.getByTestId('page-canvas'), text, page.getByTestId('line-text')].map((l) => l.boundingBox()));
  assert.ok(
    boxes[0]!.x + boxes[0]!.width <= boxes[1]!.x && boxes[1]!.x + boxes[1]!.width <= boxes[2]!.x,
    'image, page text, transcription side by side',
  );
  await items.nth(7).getByRole('button').click();
  await shownLine(page, lines[0][7]);
  assert.equal(
    await items
      .nth(7)
      .getAttribute('class')
      .then((c) => /current/.test(c ?? '')),
    true,
  );
  await page.getByTestId('line-text').press('ArrowDown');
  await shownLine(page, lines[0][8]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=page-text] li')[8]?.classList.contains('current'));
  await page.screenshot({ path: join(ARTIFACTS, 'page-text.png') });
  // Remembered: a reload shows it again.
  await page.reload();
  await text.locator('li').first().waitFor();
  await page.close();
});
