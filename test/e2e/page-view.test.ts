// End to end, the page view: it follows the selected line (keyboard moves, a line opened
// from Search or Review) and keeps it highlighted; zoom to line (button, Z, Alt+Z from the
// text field), fit width and fit page; and a large scan is drawn from a copy with enough
// pixels for the zoom and the device pixel ratio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { importFiles } from '../../main/import/import-images.ts';
import { insertLines } from '../../main/import/insert-lines.ts';
import { levelWidth } from '../../shared/image-levels.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { canvasView, onCanvas } from '../helpers/page-screen.ts';
import { tempDir } from '../helpers/project.ts';
import { addSynthPages } from '../helpers/synth-project.ts';

const LINES = 30;
const SEARCHED = 27;
const REVIEWED = 24;
const BIG = { width: 3000, height: 4200 };

const fixture = useBrowserApp(async (project) => {
  await addSynthPages(project, [21], { lines: LINES, labeled: (i) => i === SEARCHED });
  const ids = (project.db.prepare('SELECT id FROM lines ORDER BY reading_order').all() as Array<{ id: number }>).map((r) => r.id);
  project.db.prepare("INSERT INTO models (name, kind, config, weights_hash) VALUES ('m', 'finetune', '{}', 'x')").run();
  project.db
    .prepare("INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (?, 1, 'a reading', 0.2, '[0.2]')")
    .run(ids[REVIEWED]);
  const big = join(tempDir(), 'large-scan.jpg');
  await sharp({ create: { ...BIG, channels: 3, background: '#eee4cf' } })
    .jpeg()
    .toFile(big);
  await importFiles(project, [big]);
  const bigPage = (project.db.prepare('SELECT id FROM pages ORDER BY id DESC LIMIT 1').get() as { id: number }).id;
  project.db.transaction(() =>
    insertLines(
      project.db,
      bigPage,
      [
        {
          polygon: [
            [300, 400],
            [2700, 400],
            [2700, 520],
            [300, 520],
          ],
          baseline: null,
          text: null,
          split: 'train',
        },
      ],
      'import:test',
    ),
  )();
});

const lineBoxes = () => {
  const { app } = fixture();
  return app.project.db
    .prepare('SELECT id, box_x AS x, box_y AS y, box_w AS w, box_h AS h FROM lines l WHERE page_id = 1 ORDER BY reading_order')
    .all() as Array<{ id: number; x: number; y: number; w: number; h: number }>;
};

/** Waits until the canvas has followed the selection to `lineId`, then says where that line is. */
async function shownLine(page: Page, lineId: number) {
  await page.waitForFunction(
    (id) => document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.shownLine === String(id),
    lineId,
  );
  const box = lineBoxes().find((b) => b.id === lineId)!;
  return onCanvas(await canvasView(page), box);
}

/** Share of highlight-orange pixels on the line's top edge, from a screenshot: what the eye sees. */
async function highlighted(page: Page, lineId: number): Promise<boolean> {
  const view = await canvasView(page);
  const r = onCanvas(
    view,
    lineBoxes().find((b) => b.id === lineId)!,
  );
  const clip = {
    x: view.box.x + Math.max(0, r.x),
    y: view.box.y + Math.max(0, r.y - 3),
    width: Math.min(r.w, view.box.width - Math.max(0, r.x)),
    height: 7,
  };
  const { data, info } = await sharp(await page.screenshot({ clip }))
    .raw()
    .toBuffer({ resolveWithObject: true });
  let orange = 0;
  for (let i = 0; i < data.length; i += info.channels)
    if (data[i] > 180 && data[i + 1] > 60 && data[i + 1] < 130 && data[i + 2] < 60) orange++;
  return orange / (info.width * info.height) > 0.1;
}

test('the view follows the line moved to with the keyboard, and keeps it highlighted', async () => {
  const page = await openPageScreen(fixture(), { width: 1200, height: 800 });
  const boxes = lineBoxes();
  const start = await shownLine(page, boxes[0].id);
  assert.ok(start.whole);
  assert.ok(!onCanvas(await canvasView(page), boxes[LINES - 1]).whole, 'the last line starts out of view');
  const field = page.getByTestId('line-text');
  for (let i = 1; i < LINES; i++) {
    await field.press('ArrowDown');
    const where = await shownLine(page, boxes[i].id);
    assert.ok(where.whole, `line ${i + 1} in view: ${JSON.stringify(where)}`);
  }
  assert.ok(await highlighted(page, boxes[LINES - 1].id), 'the current line is drawn highlighted');
  await page.screenshot({ path: join(ARTIFACTS, 'page-view-followed.png') });
  // And back up to the top with Ctrl+↓'s opposite: ↑ all the way.
  for (let i = LINES - 2; i >= 0; i--) await field.press('ArrowUp');
  assert.ok((await shownLine(page, boxes[0].id)).whole);
});

test('zoom to line, fit width and fit page, from buttons and keys', async () => {
  const page = await openPageScreen(fixture(), { width: 1200, height: 800 });
  const boxes = lineBoxes();
  const fit = await canvasView(page);
  assert.ok(Math.abs(fit.scale * 1400 - fit.box.width) < 2, 'opens at fit width');
  // Alt+Z in the text field zooms to the line; again goes back to the width.
  await page.getByTestId('line-text').press('Alt+z');
  await page.waitForFunction(
    (s) => Number(document.querySelector<HTMLElement>('[data-testid=page-canvas]')!.dataset.scale) > s * 1.2,
    fit.scale,
  );
  const zoomed = await canvasView(page);
  const line = onCanvas(zoomed, boxes[0]);
  assert.ok(line.whole && line.w > zoomed.box.width * 0.8, `the line fills the width: ${JSON.stringify(line)}`);
  assert.ok(Math.abs(line.y + line.h / 2 - zoomed.box.height / 2) < 2, 'and is centred');
  await page.screenshot({ path: join(ARTIFACTS, 'page-view-zoomed-to-line.png') });
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'line-text',
    'the keyboard stays in the text',
  );
  await page.getByTestId('line-text').press('Alt+z');
  await page.waitForFunction(
    (s) => Math.abs(Number(document.querySelector<HTMLElement>('[data-testid=page-canvas]')!.dataset.scale) - s) < 1e-6,
    fit.scale,
  );
  // Fit page: the whole page on screen.
  await page.getByTestId('fit-page').click();
  const whole = await canvasView(page);
  assert.ok(onCanvas(whole, { x: 0, y: 0, w: 1400, h: 1505 }).whole || whole.scale * 1505 <= whole.box.height + 1, 'the whole page shows');
  assert.ok(whole.scale < fit.scale);
  await page.screenshot({ path: join(ARTIFACTS, 'page-view-fit-page.png') });
  // With the keyboard handed to the line tools: Z, W, F.
  await page.getByTestId('line-text').press('Escape');
  await page.keyboard.press('z');
  assert.ok((await canvasView(page)).scale > fit.scale * 1.2);
  await page.keyboard.press('w');
  assert.ok(Math.abs((await canvasView(page)).scale - fit.scale) < 1e-6);
  await page.keyboard.press('f');
  assert.ok(Math.abs((await canvasView(page)).scale - whole.scale) < 1e-6);
  await page.getByTestId('zoom-line').click();
  assert.ok((await canvasView(page)).scale > fit.scale * 1.2);
  await page.getByTestId('fit-width').click();
  assert.ok(Math.abs((await canvasView(page)).scale - fit.scale) < 1e-6);
});

test('a line opened from Search or Review is brought into view on the page already open', async () => {
  const { app } = fixture();
  const page = await openPageScreen(fixture(), { width: 1200, height: 800 });
  const boxes = lineBoxes();
  await shownLine(page, boxes[0].id);
  // The page screen stays (no reload) when another line of it is opened: mark its canvas.
  await page.getByTestId('page-canvas').evaluate((el) => {
    (el as HTMLElement & { mark?: boolean }).mark = true;
  });
  const text = (
    app.project.db.prepare('SELECT text FROM current_transcriptions WHERE line_id = ?').get(boxes[SEARCHED].id) as { text: string }
  ).text;
  await page.getByTestId('search').fill(text.split(' ').slice(0, 3).join(' '));
  await page.keyboard.press('Enter');
  await page.getByTestId('search-results').locator('button').first().click();
  assert.ok((await shownLine(page, boxes[SEARCHED].id)).whole, 'the line found is in view');
  assert.ok(await highlighted(page, boxes[SEARCHED].id));
  assert.equal(await page.getByTestId('line-text').inputValue(), text);
  assert.ok(await page.getByTestId('page-canvas').evaluate((el) => (el as HTMLElement & { mark?: boolean }).mark), 'the same page screen');
  await page.screenshot({ path: join(ARTIFACTS, 'page-view-search.png') });
  // From Review (another screen): the page opens on the reviewed line, in view.
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByTestId('review').locator('li button').first().click();
  assert.ok((await shownLine(page, boxes[REVIEWED].id)).whole, 'the reviewed line is in view');
  assert.ok(await highlighted(page, boxes[REVIEWED].id));
});

test('a large scan is drawn from a copy with the pixels the zoom and the screen need', async () => {
  const { app, browser } = fixture();
  const open = async (width: number, deviceScaleFactor: number) => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor });
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.getByTestId('document').filter({ hasText: 'large-scan' }).click();
    await page.getByTestId('page').first().click();
    await page.getByTestId('line-text').waitFor();
    return page;
  };
  const drawn = async (page: Page, minWidth: number) => {
    await page.waitForFunction(
      (w) => Number(document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.imageWidth) >= w,
      minWidth,
      { timeout: 30_000 },
    );
    return canvasView(page);
  };
  // At 1440 px and device pixel ratio 1 the smallest copy is enough; not the 13-megapixel scan.
  const plain = await open(1440, 1);
  let v = await drawn(plain, (await canvasView(plain)).scale * BIG.width);
  assert.equal(v.level, 'preview-small');
  assert.ok(v.imageWidth! >= v.scale * BIG.width, `${v.imageWidth} px copy for ${v.scale * BIG.width} px on screen`);
  // Zoomed in, a larger copy comes.
  for (let i = 0; i < 2; i++) await plain.getByTestId('page-canvas').press('+');
  v = await drawn(plain, (await canvasView(plain)).scale * BIG.width);
  assert.equal(v.level, 'preview');
  await plain.context().close();
  // At 1920 px and device pixel ratio 2, fit-width needs more pixels than the 2400 copy has: the scan itself.
  const retina = await open(1920, 2);
  v = await drawn(retina, 2 * (await canvasView(retina)).scale * BIG.width);
  assert.ok(2 * v.scale * BIG.width > levelWidth(BIG, 'preview'));
  assert.equal(v.level, 'page');
  await retina.screenshot({ path: join(ARTIFACTS, 'page-view-large-scan-dpr2.png') });
  await retina.context().close();
});

test('contrast, brightness and invert change the scan and the line image alike', async () => {
  const page = await openPageScreen(fixture(), { width: 1200, height: 800 });
  const view = await canvasView(page);
  // Mean brightness of a stretch of paper left of the lines (what the eye sees on the canvas).
  const paper = async () => {
    await page.waitForTimeout(100);
    const { data } = await sharp(await page.screenshot({ clip: { x: view.box.x + 2, y: view.box.y + 40, width: 20, height: 200 } }))
      .raw()
      .toBuffer({ resolveWithObject: true });
    return data.reduce((s, v) => s + v, 0) / data.length;
  };
  await page.waitForFunction(() => !!document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.imageLevel);
  const before = await paper();
  assert.ok(before > 150, `paper is light: ${before}`);
  await page.getByTestId('image-adjust').locator('summary').click();
  await page.getByTestId('image-invert').check();
  const inverted = await paper();
  assert.ok(inverted < 100, `inverted paper is dark: ${inverted}`);
  assert.match(await page.getByTestId('line-image').evaluate((el) => getComputedStyle(el).filter), /invert\(1\)/);
  await page.getByTestId('image-contrast').fill('2');
  assert.match(await page.getByTestId('line-image').evaluate((el) => getComputedStyle(el).filter), /contrast\(2\) invert\(1\)/);
  await page.screenshot({ path: join(ARTIFACTS, 'page-view-image-adjusted.png') });
  // Remembered on reload; Reset puts it back.
  await page.reload();
  // A reload comes back to the page and line (the address keeps them).
  await page.getByTestId('line-text').waitFor();
  assert.match(await page.getByTestId('line-image').evaluate((el) => getComputedStyle(el).filter), /invert\(1\)/);
  await page.getByTestId('image-adjust').locator('summary').click();
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.equal(await page.getByTestId('line-image').evaluate((el) => getComputedStyle(el).filter), 'none');
});

test('a scan that fails to load is asked for again; when it cannot be had the page says so and offers to try again', async () => {
  const { app, browser } = fixture();
  const scanRequest = /\/images\/[^/]+\/(?!thumb)[^/?]+/;
  const imageLevel = () => document.querySelector<HTMLElement>('[data-testid=page-canvas]')?.dataset.imageLevel ?? '';
  // Two failures (a busy server): the retries fetch it.
  let refuse = 2;
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.route(scanRequest, (route) => (refuse-- > 0 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
  await page.goto(app.server.url);
  await openFirstPage(page);
  await page.waitForFunction(imageLevel, null, { timeout: 15_000 });
  assert.equal(await page.getByTestId('scan-error').count(), 0);
  await page.close();
  // Refused every time: the page says so, with the lines still there, and Try again fetches it once it can be had.
  refuse = Infinity;
  const again = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await again.route(scanRequest, (route) => (refuse-- > 0 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
  await again.goto(app.server.url);
  await openFirstPage(again);
  await again
    .getByTestId('scan-error')
    .getByText(/The scan could not be loaded \(tried 4 times\)/)
    .waitFor({ timeout: 15_000 });
  assert.equal(await again.evaluate(imageLevel), '');
  await again.getByTestId('line-text').waitFor();
  refuse = 0;
  await again.getByTestId('scan-error').getByRole('button', { name: 'Try again' }).click();
  await again.waitForFunction(imageLevel, null, { timeout: 15_000 });
  await again.getByTestId('scan-error').waitFor({ state: 'detached' });
  await again.close();
});
