// End to end in Chromium, the page screen fits the window at 1400×900, 1280×720 and 1024×700:
// the window itself never scrolls (the header stays in view when the text field takes the
// keyboard), with or without the page's text beside the image; and what the toolbar and
// header say is read whole there, not cut short (the line tools' hint, the search field's
// placeholder). Screenshots of each size are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { importPageFixture } from '../helpers/page-fixture.ts';

const fixture = useBrowserApp(async (project) => {
  await importPageFixture(project);
});

/** How tall the document is against the window, and whether the header and the text field are in view. */
const fit = (page: Page) =>
  page.evaluate(() => {
    const field = document.querySelector('[data-testid="line-text"]')!.getBoundingClientRect();
    return {
      scrollHeight: document.scrollingElement!.scrollHeight,
      innerHeight,
      scrollY,
      headerTop: document.querySelector('header')!.getBoundingClientRect().top,
      fieldInside: field.top >= 0 && field.bottom <= innerHeight,
    };
  });

/** Whether an element's text is shown whole (not cut short with an ellipsis), and the text. */
const whole = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .evaluate((el) => ({ text: el.textContent ?? '', whole: el.scrollWidth <= el.clientWidth && el.clientWidth > 0 }));

/** Whether the search field's placeholder fits its field, measured in the field's font. */
const placeholderFits = (page: Page) =>
  page.getByTestId('search').evaluate((el) => {
    const input = el as HTMLInputElement;
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { placeholder: input.placeholder, fits: context.measureText(input.placeholder).width <= room };
  });

for (const [width, height] of [
  [1400, 900],
  [1280, 720],
  [1024, 700],
]) {
  test(`the page screen fits a ${width}×${height} window and its hints read whole`, async () => {
    const page = await openPageScreen(fixture(), { width, height });
    const at = `${width}×${height}`;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.getByTestId('line-text').click();
    const f = await fit(page);
    assert.ok(f.scrollHeight <= f.innerHeight, `the window does not scroll (${at}: ${JSON.stringify(f)})`);
    assert.ok(f.scrollY === 0 && f.headerTop === 0, `the header stays in view (${at}: ${JSON.stringify(f)})`);
    assert.ok(f.fieldInside, `the text field is inside the window (${at})`);
    await page.screenshot({ path: join(ARTIFACTS, `page-fit-${width}x${height}.png`) });

    // The line's image is shown at most at its own size: a short line's crop is not blown up.
    await page.waitForFunction(() => (document.querySelector('[data-testid="line-image"]') as HTMLImageElement | null)?.naturalWidth);
    const crop = await page
      .getByTestId('line-image')
      .evaluate((el) => ({ natural: (el as HTMLImageElement).naturalWidth, shown: el.getBoundingClientRect().width }));
    assert.ok(crop.shown <= crop.natural + 2 /* its border */, `the line image is not enlarged (${at}: ${JSON.stringify(crop)})`);

    // A line is selected: the hint says how to change its shape, whole.
    const hint = await whole(page, 'line-tools-hint');
    assert.match(hint.text, /reshape/);
    assert.ok(hint.whole, `the shape hint reads whole (${at}: ${JSON.stringify(hint)})`);
    const search = await placeholderFits(page);
    assert.ok(search.fits, `the search field's placeholder reads whole (${at}: ${JSON.stringify(search)})`);
    assert.match((await page.getByTestId('search').getAttribute('title'))!, /transcriptions/);

    // The draw hint too; and the toolbar keeps its height whatever the hint says, so the canvas stays put.
    const canvasTop = () => page.getByTestId('page-canvas').evaluate((el) => el.getBoundingClientRect().top);
    const before = await canvasTop();
    await page.getByTestId('tool-draw').click();
    const drawing = await whole(page, 'line-tools-hint');
    assert.match(drawing.text, /Drag a box around the new line · Esc to stop/);
    assert.ok(drawing.whole, `the draw hint reads whole (${at})`);
    assert.equal(await canvasTop(), before, 'the canvas does not move when the hint changes');
    await page.keyboard.press('Escape');

    // With the page's text beside the image, it still fits.
    if (!(await page.getByTestId('page-text').count())) await page.getByTestId('toggle-page-text').click();
    await page.getByTestId('page-text').waitFor();
    await page.getByTestId('line-text').click();
    const g = await fit(page);
    assert.ok(
      g.scrollHeight <= g.innerHeight && g.scrollY === 0,
      `with the page text, the window does not scroll (${at}: ${JSON.stringify(g)})`,
    );
    assert.ok(g.fieldInside, `with the page text, the text field is inside the window (${at})`);
    await page.screenshot({ path: join(ARTIFACTS, `page-fit-${width}x${height}-text.png`) });
    await page.getByTestId('toggle-page-text').click();
    assert.deepEqual(errors, []);
    await page.close();
  });
}
