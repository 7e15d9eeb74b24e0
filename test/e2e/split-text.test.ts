// End to end, splitting a transcribed line: the person marks where its text divides in the
// app's own dialog (Electron has no window.prompt: it throws there, so here too), or
// cancels and nothing changes; without exactly one | the dialog stays open and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '../../main/api/service.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, useBrowserApp } from '../helpers/browser-app.ts';
import { rect } from '../helpers/edit-page.ts';
import { handKeysToLineTools, pagePoint } from '../helpers/page-screen.ts';
import { png } from '../helpers/images.ts';
import { tempDir } from '../helpers/project.ts';

const fixture = useBrowserApp(async (project) => {
  const file = join(tempDir(), 'folio-9r.png');
  writeFileSync(file, await png(1000, 400, '#efe6d2'));
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const { lineId } = await api.addLine({
    pageId: 1,
    polygon: rect(100, 100, 700, 50),
    baseline: [
      [100, 140],
      [800, 140],
    ],
  });
  await api.saveTranscription({ lineId, text: 'Item paid for candles 3d' });
});

test('a transcribed line is split with its text divided where the person puts a |; Cancel leaves it whole', async () => {
  const { app, browser } = fixture();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => {
    window.prompt = () => {
      throw new Error('prompt() is and will not be supported.');
    };
  });
  const page = await context.newPage();
  const texts = () =>
    (
      app.project.db
        .prepare('SELECT ct.text FROM lines l LEFT JOIN current_transcriptions ct ON ct.line_id = l.id ORDER BY l.reading_order')
        .all() as Array<{ text: string | null }>
    ).map((l) => l.text);
  await page.goto(app.server.url);
  await openFirstPage(page);
  await page.getByTestId('line-text').waitFor();
  const at = await pagePoint(page);
  const split = async (keysWithText = true) => {
    if (keysWithText) await handKeysToLineTools(page);
    await page.keyboard.press('s');
    await page.mouse.click(...at(450, 125));
    await page.getByTestId('split-text-dialog').waitFor();
  };

  await split();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('split-text-dialog').waitFor({ state: 'detached' });
  assert.deepEqual(texts(), ['Item paid for candles 3d']);

  // The keyboard is back with the line tools.
  await split(false);
  await page.getByTestId('split-text').fill('Item paid | for candles 3d');
  await page.keyboard.press('Enter');
  await page.getByTestId('page-status').getByText('Line split').waitFor();
  assert.deepEqual(texts(), ['Item paid', 'for candles 3d']);
  await context.close();
});

test('text typed on a line and not saved yet is divided like a saved one, not left whole on the left piece', async () => {
  const { app, browser } = fixture();
  await createService(app.project).addLine({
    pageId: 1,
    polygon: rect(100, 250, 700, 50),
    baseline: [
      [100, 290],
      [800, 290],
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(app.server.url);
  await openFirstPage(page);
  // The page opens on its first unlabeled line: the new one.
  const field = page.getByTestId('line-text');
  await field.waitFor();
  await field.fill('Paid the sexton');
  const at = await pagePoint(page);
  await handKeysToLineTools(page);
  await page.keyboard.press('s');
  await page.mouse.click(...at(450, 275));
  const dialog = page.getByTestId('split-text');
  await dialog.waitFor();
  assert.equal(await dialog.inputValue(), 'Paid the sexton');
  await dialog.fill('Paid the | sexton');
  await page.keyboard.press('Enter');
  await page.getByTestId('page-status').getByText('Line split').waitFor();
  const texts = (
    app.project.db
      .prepare('SELECT ct.text FROM lines l JOIN current_transcriptions ct ON ct.line_id = l.id ORDER BY l.reading_order')
      .all() as Array<{
      text: string;
    }>
  ).map((t) => t.text);
  assert.deepEqual(texts.slice(-2), ['Paid the', 'sexton'], 'each piece holds its part of the typed text');
  await context.close();
});

test('without exactly one | the dialog stays open, says what is missing, and Split waits for it', async () => {
  const { app, browser } = fixture();
  // A line of its own, below those the tests above split.
  const { lineId } = await createService(app.project).addLine({
    pageId: 1,
    polygon: rect(100, 330, 700, 50),
    baseline: [
      [100, 370],
      [800, 370],
    ],
  });
  await createService(app.project).saveTranscription({ lineId, text: 'Received of the churchwardens 5s' });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(app.server.url);
  await openFirstPage(page);
  await page.getByTestId('line-text').waitFor();
  const at = await pagePoint(page);
  await page.mouse.click(...at(300, 355));
  await handKeysToLineTools(page);
  await page.keyboard.press('s');
  await page.mouse.click(...at(450, 355));
  const dialog = page.getByTestId('split-text-dialog');
  await dialog.waitFor();
  const field = page.getByTestId('split-text');
  const ok = page.getByTestId('split-text-ok');
  const problem = page.getByTestId('split-text-problem');
  const before = await field.inputValue();
  assert.doesNotMatch(before, /\|/);
  // No | yet: Split is off, the dialog says why, and Enter neither closes it nor splits.
  assert.equal(await ok.isDisabled(), true);
  assert.match(await problem.innerText(), /No \| yet/);
  await field.press('Enter');
  await page.waitForTimeout(300);
  assert.equal(await dialog.isVisible(), true, 'still open');
  await page.screenshot({ path: join(ARTIFACTS, 'split-text-no-bar.png') });
  assert.doesNotMatch(await page.getByTestId('page-status').innerText(), /Not split/);
  // Two: still off.
  await field.fill('Item | paid | for candles');
  assert.equal(await ok.isDisabled(), true);
  assert.match(await problem.innerText(), /One \| only/);
  // One: Split is on, the message is gone, and the line splits.
  await field.fill(`${before.split(' ').slice(0, 2).join(' ')} | ${before.split(' ').slice(2).join(' ')}`);
  assert.equal(await ok.isDisabled(), false);
  assert.equal(await problem.innerText(), '');
  await ok.click();
  await page.getByTestId('page-status').getByText('Line split').waitFor();
  await dialog.waitFor({ state: 'detached' });
  const texts = (app.project.db.prepare('SELECT text FROM current_transcriptions').all() as Array<{ text: string }>).map((t) => t.text);
  assert.ok(texts.includes('Received of') && texts.includes('the churchwardens 5s'), JSON.stringify(texts));
  await context.close();
});
