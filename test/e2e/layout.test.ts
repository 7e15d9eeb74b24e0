// End to end in Chromium, the header at 1024, 1440 and 1920 px, on the documents, page,
// review and training screens: nothing overflows the window, Import and Export are fully
// visible and clickable, the counts stay on one line (never a narrow column), and a count
// of one reads in the singular. Screenshots of each width are kept. And a message about
// one project is gone when another is opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, useBrowserApp } from '../helpers/browser-app.ts';
import { tempDir } from '../helpers/project.ts';
import { importPageFixture } from '../helpers/page-fixture.ts';

const fixture = useBrowserApp(async (project) => {
  await importPageFixture(project);
});

/** Where an element is, and whether a click at its centre reaches it (not something over it). */
const place = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      const style = getComputedStyle(el);
      return {
        left: r.left,
        right: r.right,
        top: r.top,
        width: r.width,
        height: r.height,
        reachable: !!hit && (el === hit || el.contains(hit)),
        line: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3,
        text: `${(el as HTMLElement).innerText} | ${el.getAttribute('title') ?? ''}`,
      };
    });

/** Checks the header as a person would see it. */
async function checkHeader(page: Page, where: string): Promise<void> {
  const view = await page.evaluate(() => ({
    width: window.innerWidth,
    pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
    headerOverflow: document.querySelector('header')!.scrollWidth - document.querySelector('header')!.clientWidth,
  }));
  const at = `${where} at ${view.width} px`;
  assert.ok(view.pageOverflow <= 0 && view.headerOverflow <= 0, `nothing overflows (${at}: ${JSON.stringify(view)})`);
  for (const [name, selector] of [
    ['import', '.import span, .import button'],
    ['export', '[data-testid="export-open"]'],
    ['search', '[data-testid="search"]'],
  ]) {
    const r = await place(page, selector);
    assert.ok(r.left >= 0 && r.right <= view.width && r.top >= 0 && r.width > 0, `${name} inside the window (${at}: ${JSON.stringify(r)})`);
    assert.ok(r.reachable, `${name} is not covered (${at})`);
  }
  const counts = await place(page, '[data-testid="project-counts"]');
  assert.ok(counts.height < counts.line * 1.6, `the counts keep to one line (${at}: ${JSON.stringify(counts)})`);
  assert.ok(counts.width > 120, `the counts are not squeezed into a narrow column (${at}: ${JSON.stringify(counts)})`);
  assert.match(counts.text, /\b1 page\b/, '"1 page", not "1 pages"');
}

test('the header holds at 1024, 1440 and 1920 px on every screen', async () => {
  const { app, browser } = fixture();
  for (const width of [1024, 1440, 1920]) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(app.server.url);
    await page.getByTestId('document').first().waitFor();
    assert.match(await page.getByTestId('document').first().innerText(), /\b1 page · 3\/4 lines labeled/);
    await checkHeader(page, 'documents');
    await page.screenshot({ path: join(ARTIFACTS, `layout-${width}-documents.png`) });
    await openFirstPage(page);
    await page.getByTestId('line-text').waitFor();
    await checkHeader(page, 'page');
    await page.screenshot({ path: join(ARTIFACTS, `layout-${width}-page.png`) });
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByTestId('review').waitFor();
    await checkHeader(page, 'review');
    await page.getByTestId('open-training').click();
    await page.getByTestId('training-panel').waitFor();
    await checkHeader(page, 'training');
    await page.screenshot({ path: join(ARTIFACTS, `layout-${width}-training.png`) });
    assert.deepEqual(errors, [], 'no console error');
    await page.close();
  }
});

/** The page's background and text colours as drawn, and what overflows the window. */
const looks = (page: Page) =>
  page.evaluate(() => {
    const main = getComputedStyle(document.documentElement);
    const columns = ['page-canvas', 'page-text', 'line-text'].map((id) =>
      document.querySelector(`[data-testid=${id}]`)!.getBoundingClientRect(),
    );
    return {
      theme: document.documentElement.dataset.theme ?? null,
      background: main.backgroundColor,
      text: main.color,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      columnsInside: columns.every((r) => r.left >= 0 && r.right <= window.innerWidth && r.width > 100),
      current: getComputedStyle(document.querySelector('[data-testid=page-text] li.current button')!).backgroundColor,
    };
  });

test("light and dark themes hold at 1024, 1440 and 1920 px; the system's theme first, the toggle remembered", async () => {
  const { app, browser } = fixture();
  for (const width of [1024, 1440, 1920]) {
    // The system asks for dark: shown dark until the toggle picks light.
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: 'dark' });
    await page.goto(app.server.url);
    await openFirstPage(page);
    await page.getByTestId('line-text').waitFor();
    if (!(await page.getByTestId('page-text').count())) await page.getByTestId('toggle-page-text').click();
    await page.getByTestId('page-text').locator('li.current').waitFor();
    const seen: Record<string, Awaited<ReturnType<typeof looks>>> = {};
    for (const theme of ['dark', 'light']) {
      if (theme === 'light') {
        await page.getByTestId('theme-toggle').click();
        await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
      }
      const l = await looks(page);
      seen[theme] = l;
      assert.equal(await page.getByTestId('theme-toggle').getAttribute('data-theme-shown'), theme);
      assert.ok(l.overflow <= 0, `nothing overflows (${theme}, ${width} px: ${JSON.stringify(l)})`);
      assert.ok(l.columnsInside, `image, page text and transcription inside the window (${theme}, ${width} px)`);
      await checkHeader(page, `page, ${theme} theme`);
      await page.screenshot({ path: join(ARTIFACTS, `theme-${theme}-${width}-page.png`) });
    }
    const lum = (c: string) =>
      c
        .match(/\d+/g)!
        .slice(0, 3)
        .map(Number)
        .reduce((a, b) => a + b, 0);
    assert.ok(
      lum(seen.dark.background) < 200 && lum(seen.light.background) > 600,
      `dark and light backgrounds (${seen.dark.background}, ${seen.light.background})`,
    );
    assert.ok(lum(seen.dark.text) > lum(seen.dark.background) + 300, 'light text on dark');
    assert.notEqual(seen.light.current, 'rgba(0, 0, 0, 0)', 'the current line is highlighted in the page text');
    // Remembered over a reload, whatever the system says.
    await page.reload();
    await page.getByTestId('line-text').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.getByTestId('theme-toggle').click();
    await page.close();
  }
});

test('messages about one project do not follow into another', async () => {
  const { browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 800 } });
  await page.goto(fixture().app.server.url);
  const broken = join(tempDir(), 'broken.png');
  writeFileSync(broken, 'this is not a png');
  await page.getByTestId('import-input').setInputFiles([broken]);
  await page
    .getByRole('alert')
    .getByText(/broken\.png/)
    .waitFor();
  await page.getByTestId('project-menu').click();
  await page.getByTestId('project-path').fill(join(tempDir(), 'another-parish'));
  await page.getByTestId('project-create').click();
  await page.getByTestId('project-menu').getByText('another-parish').waitFor();
  await page.getByText('No documents yet').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'the import failure stayed with its project');
});
