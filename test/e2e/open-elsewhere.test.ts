// End to end in Chromium, what follows a person around the app: a line opened in another
// document (from Search, Review, Annotate next on the Training screen, or an undo that
// jumps to another page) puts that document in the address and on the page's back button;
// the header's line count follows line edits; a pressed button stays readable when
// hovered, in both themes; the Export and Image popovers close on Esc and a press outside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { retypeLine, useBrowserApp } from '../helpers/browser-app.ts';
import { handKeysToLineTools } from '../helpers/page-screen.ts';
import { addSynthPages } from '../helpers/synth-project.ts';

let portrait: { doc: number; pages: number[] };
let register: { doc: number; pages: number[] };
let searched: number;
let suggested: number;

const fixture = useBrowserApp(async (project) => {
  const db = project.db;
  const docOf = (pageId: number) => (db.prepare('SELECT document_id AS d FROM pages WHERE id = ?').get(pageId) as { d: number }).d;
  const linesOf = (pageId: number) =>
    (db.prepare('SELECT id FROM lines WHERE page_id = ? ORDER BY reading_order').all(pageId) as Array<{ id: number }>).map((r) => r.id);
  const portraitPages = await addSynthPages(project, [51], { lines: 6, name: 'portrait' });
  const registerPages = await addSynthPages(project, [41, 42], { lines: 8, oneDocument: true, name: 'register' });
  portrait = { doc: docOf(portraitPages[0]), pages: portraitPages };
  register = { doc: docOf(registerPages[0]), pages: registerPages };
  db.prepare('UPDATE documents SET name = ? WHERE id = ?').run('portrait', portrait.doc);
  searched = linesOf(registerPages[0])[2];
  db.prepare("INSERT INTO transcriptions (line_id, text, author, source) VALUES (?, 'receipt for candles', 'ann', 'human')").run(searched);
  // A model's unsure reading: the line Annotate next and Review propose first.
  suggested = linesOf(registerPages[1])[3];
  db.prepare("INSERT INTO models (id, name, kind, config, weights_hash) VALUES (1, 'm', 'finetune', '{}', 'x')").run();
  db.prepare(
    "INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (?, 1, 'an unsure reading', 0.1, '[]')",
  ).run(suggested);
});

async function openPortraitPage(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Documents', exact: true }).click();
  await page.getByTestId('document').filter({ hasText: 'portrait' }).click();
  await page.getByTestId('page').first().click();
  await page.getByRole('button', { name: '← portrait' }).waitFor();
}

const shownLine = (page: Page, lineId: number) =>
  page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.shownLine === String(id), lineId);

/** Waits until the address names the documents screen with this document, page and line. */
async function addressIs(page: Page, at: { doc: number; page: number; line: number }): Promise<void> {
  const want = `document=${at.doc}&page=${at.page}&line=${at.line}`;
  await page
    .waitForFunction((want) => location.search.includes(want) && !location.search.includes('screen='), want, { timeout: 5000 })
    .catch(() => assert.fail(`the address is ${new URL(page.url()).search}, not ${want}`));
}

/** The page's back button names the register, and leads to its page list. */
async function backToRegister(page: Page): Promise<void> {
  await page.getByRole('button', { name: '← register' }).click();
  await page.locator('nav strong').filter({ hasText: 'register' }).waitFor();
  assert.equal(await page.getByTestId('page').count(), 2);
}

test('a line opened from Search, Review or Annotate next is in its own document: the address and the back button say so', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  await openPortraitPage(page);
  await page.getByTestId('search').fill('receipt');
  await page.getByTestId('search').press('Enter');
  await page.getByTestId('search-results').getByRole('option').first().waitFor();
  await page.getByTestId('search').press('ArrowDown');
  await page.getByTestId('search').press('Enter');
  await shownLine(page, searched);
  await addressIs(page, { doc: register.doc, page: register.pages[0], line: searched });
  await backToRegister(page);

  for (const from of ['Review', 'Training'] as const) {
    await openPortraitPage(page);
    await page.getByRole('button', { name: from, exact: true }).click();
    if (from === 'Review') await page.getByTestId('review').locator('li button').first().click();
    else await page.getByTestId('annotate-next').click();
    await shownLine(page, suggested);
    await addressIs(page, { doc: register.doc, page: register.pages[1], line: suggested });
    // A reload comes back to the same place, with the same back button.
    await page.reload();
    await shownLine(page, suggested);
    await backToRegister(page);
  }
  await page.close();
});

test("an undo that jumps to another document's page puts that document in the address, as one step of the history", async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  await page.getByTestId('document').filter({ hasText: 'register' }).click();
  await page.getByTestId('page').first().click();
  await page.getByTestId('line-text').waitFor();
  await retypeLine(page, 'a text to take back');
  await openPortraitPage(page);
  await page.waitForFunction((doc) => location.search.includes(`document=${doc}&`), portrait.doc);
  const steps = await page.evaluate(() => history.length);
  await page.getByTestId('undo').click();
  await page.getByRole('button', { name: '← register' }).waitFor();
  await page.waitForFunction((doc) => location.search.includes(`document=${doc}&page=`), register.doc);
  assert.equal(await page.evaluate(() => history.length), steps + 1, 'one step: the page, with its document');
  await page.goBack();
  await page.getByRole('button', { name: '← portrait' }).waitFor();
  await page.close();
});

test("the header's line count follows a line deleted on the page screen", async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  const counted = async () => Number(/(\d+) lines? ·/.exec(await page.getByTestId('project-counts').innerText())![1]);
  await page.getByTestId('project-counts').waitFor();
  const before = await counted();
  await openPortraitPage(page);
  await page.getByTestId('line-text').waitFor();
  await handKeysToLineTools(page);
  page.once('dialog', (d) => d.accept());
  await page.keyboard.press('Delete');
  await page.getByTestId('page-status').getByText('Line deleted').waitFor();
  await page
    .waitForFunction(
      (n) => new RegExp(`\\b${n} lines? ·`).test(document.querySelector('[data-testid=project-counts]')!.textContent!),
      before - 1,
      {
        timeout: 5000,
      },
    )
    .catch(async () => assert.fail(`the header still says ${await counted()} lines, not ${before - 1}`));
  await page.close();
});

/** WCAG's contrast ratio of two computed colours, rgb(…) or rgba(…). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const s = Number(v) / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('a pressed button hovered keeps its text readable, in the light and the dark theme', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  const readable = async (buttons: ReturnType<Page['getByTestId']>[]) => {
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
      for (const button of buttons) {
        assert.equal(await button.getAttribute('aria-pressed'), 'true');
        await button.hover();
        const [color, background] = await button.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
        const ratio = contrast(color, background);
        assert.ok(ratio >= 3, `${await button.innerText()}, hovered (${theme}): ${color} on ${background}, ${ratio.toFixed(2)}:1`);
      }
    }
  };
  await page.getByTestId('document').first().waitFor();
  await readable([page.getByRole('button', { name: 'Documents', exact: true })]);
  await openPortraitPage(page);
  await page.getByTestId('toggle-page-text').click();
  await page.getByTestId('page-text').waitFor();
  await page.getByTestId('tool-draw').click();
  await readable([page.getByTestId('toggle-page-text'), page.getByTestId('tool-draw')]);
  await page.close();
});

test('the Export and Image popovers close on Esc (the focus back on their button) and on a press outside', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
  const dialog = page.getByTestId('export-dialog');
  await page.getByTestId('export-open').click();
  await page.getByTestId('export-scope').focus();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focused(), 'export-open');
  await page.getByTestId('export-open').click();
  await dialog.waitFor();
  await page.locator('main').click({ position: { x: 5, y: 5 } });
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId('export-open').click();
  await page.getByRole('button', { name: 'Review', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });

  await openPortraitPage(page);
  const image = page.getByTestId('image-adjust');
  const isOpen = () => image.evaluate((el) => (el as HTMLDetailsElement).open);
  await image.locator('summary').click();
  await page.getByTestId('image-contrast').focus();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector<HTMLDetailsElement>('[data-testid=image-adjust]')!.open);
  assert.equal(await focused(), 'SUMMARY');
  await image.locator('summary').click();
  assert.equal(await isOpen(), true);
  await page.locator('nav strong').filter({ hasText: 'Page 1' }).click();
  await page.waitForFunction(() => !document.querySelector<HTMLDetailsElement>('[data-testid=image-adjust]')!.open);
  await page.close();
});
