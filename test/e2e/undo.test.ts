// End to end in Chromium, undo and redo as a person uses them: Ctrl+Z / Ctrl+Shift+Z and
// the Undo/Redo buttons, for a typed text, a dragged point, a split, a merge, a deleted
// line and a reading-order move; a reload in between (the history lives in the app),
// and unsaved typing in the field (marked as an unsaved draft) keeps Ctrl+Z for itself;
// a drawn and a deleted region come back and go again, drawn on the page each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createService } from '../../main/api/service.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { handKeysToLineTools, pagePoint } from '../helpers/page-screen.ts';
import { rect } from '../helpers/edit-page.ts';
import { png } from '../helpers/images.ts';
import { tempDir } from '../helpers/project.ts';

const TEXTS = ['Anno 1743 the 4th of May', 'Item paid for candles 3d'];
const fixture = useBrowserApp(async (project) => {
  const file = join(tempDir(), 'folio-7r.png');
  writeFileSync(file, await png(1000, 800, '#efe6d2'));
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  for (const y of [100, 200, 300, 400, 500]) {
    const { lineId } = await api.addLine({
      pageId: 1,
      polygon: rect(100, y, 700, 50),
      baseline: [
        [100, y + 40],
        [800, y + 40],
      ],
    });
    if (TEXTS[y / 100 - 1]) await api.saveTranscription({ lineId, text: TEXTS[y / 100 - 1] });
  }
});

test('undo and redo text, shape, split, merge, delete and reading order with keys and buttons, across a reload', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const db = () => app.project.db;
  const lines = () =>
    db()
      .prepare(
        'SELECT l.id, l.polygon, ct.text FROM lines l LEFT JOIN current_transcriptions ct ON ct.line_id = l.id ORDER BY l.reading_order',
      )
      .all() as Array<{ id: number; polygon: string; text: string | null }>;
  const status = page.getByTestId('page-status');
  const until = async (what: string, check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(check(), what);
  };
  const field = page.getByTestId('line-text');
  await page.goto(app.server.url);
  await openFirstPage(page);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  const [l1, l2, l3, l4, l5] = lines().map((l) => l.id);

  // Text: type on the first unlabeled line (3), Enter saves and moves on; Ctrl+Z takes it back.
  await page.keyboard.type('for the rent of the mill');
  await page.keyboard.press('Enter');
  await until('line 3 saved', () => lines()[2].text === 'for the rent of the mill');
  assert.equal(await page.getByTestId('undo').getAttribute('title'), 'Undo text of line 3 (Ctrl+Z)');
  await page.keyboard.press('Control+z');
  await status.getByText('Undone: text of line 3').waitFor();
  assert.equal(lines()[2].text, null, 'unlabeled again');
  assert.equal(await field.inputValue(), '', 'the field shows the line as it is now');
  assert.equal(
    (db().prepare('SELECT count(*) AS n FROM transcriptions WHERE line_id = ?').get(l3) as { n: number }).n,
    1,
    'the undone text is kept, withdrawn',
  );
  await page.keyboard.press('Control+Shift+Z');
  await status.getByText('Redone: text of line 3').waitFor();
  assert.equal(await field.inputValue(), 'for the rent of the mill');
  // Unsaved typing: Ctrl+Z belongs to the field and undoes no saved edit.
  await page.keyboard.type(' xx');
  await page.getByTestId('unsaved').waitFor();
  await page.keyboard.press('Control+z');
  assert.equal(lines()[2].text, 'for the rent of the mill');
  await field.fill('for the rent of the mill');
  await page.getByTestId('unsaved').waitFor({ state: 'detached' });
  await page.screenshot({ path: join(ARTIFACTS, 'undo-text.png') });

  // Shape: drag line 1's first point down 10 px, then the Undo and Redo buttons.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await field.inputValue(), TEXTS[0]);
  const at = await pagePoint(page);
  await page.mouse.move(...at(100, 100));
  await page.mouse.down();
  await page.mouse.move(...at(100, 105), { steps: 3 });
  await page.mouse.move(...at(100, 110), { steps: 3 });
  await page.mouse.up();
  await status.getByText('Line shape saved').waitFor();
  assert.notDeepEqual(JSON.parse(lines()[0].polygon), rect(100, 100, 700, 50));
  await page.getByTestId('undo').click();
  await status.getByText('Undone: shape of line 1').waitFor();
  assert.deepEqual(JSON.parse(lines()[0].polygon), rect(100, 100, 700, 50));
  await page.getByTestId('redo').click();
  await status.getByText('Redone: shape of line 1').waitFor();
  assert.notDeepEqual(JSON.parse(lines()[0].polygon), rect(100, 100, 700, 50));
  await page.getByTestId('undo').click();
  await status.getByText('Undone: shape of line 1').waitFor();

  // Split line 5 with S and a click; Ctrl+Z joins it again, Ctrl+Shift+Z splits it again.
  await selectLine(page, 5);
  await handKeysToLineTools(page);
  await page.keyboard.press('s');
  await page.mouse.click(...at(450, 525));
  await status.getByText('Line split').waitFor();
  assert.equal(lines().length, 6);
  await page.screenshot({ path: join(ARTIFACTS, 'undo-split.png') });
  await keyAfterEdit(page, 'Control+z');
  await status.getByText('Undone: split of line 5').waitFor();
  assert.deepEqual(
    lines().map((l) => l.id),
    [l1, l2, l3, l4, l5],
  );
  assert.deepEqual(JSON.parse(lines()[4].polygon), rect(100, 500, 700, 50));
  await keyAfterEdit(page, 'Control+Shift+Z');
  await status.getByText('Redone: split of line 5').waitFor();
  assert.equal(lines().length, 6);
  await keyAfterEdit(page, 'Control+z');
  await status.getByText('Undone: split of line 5').waitFor();

  // Merge lines 1 and 2 with M; Ctrl+Z gives both back with their own texts.
  await selectLine(page, 1);
  await handKeysToLineTools(page);
  await page.keyboard.press('m');
  await status.getByText('Lines merged').waitFor();
  assert.equal(lines()[0].text, `${TEXTS[0]} ${TEXTS[1]}`);
  await keyAfterEdit(page, 'Control+z');
  await status.getByText('Undone: merge of 2 lines').waitFor();
  assert.deepEqual(
    lines()
      .slice(0, 2)
      .map((l) => [l.id, l.text]),
    [
      [l1, TEXTS[0]],
      [l2, TEXTS[1]],
    ],
  );

  // Delete the transcribed line 2 (confirmed), and undo: it is back with its text.
  await selectLine(page, 2);
  await handKeysToLineTools(page);
  page.once('dialog', (d) => d.accept());
  await page.keyboard.press('Delete');
  await status.getByText('Line deleted').waitFor();
  assert.equal(lines().length, 4);
  await keyAfterEdit(page, 'Control+z');
  await status.getByText('Undone: deletion of line 2').waitFor();
  assert.deepEqual(
    lines().map((l) => l.id),
    [l1, l2, l3, l4, l5],
  );
  assert.equal(lines()[1].text, TEXTS[1]);

  // Reading order: Alt+↓ moves line 2 down; the Undo button moves it back.
  await handKeysToLineTools(page);
  await page.keyboard.press('Alt+ArrowDown');
  await status.getByText('Reading order changed').waitFor();
  assert.deepEqual(
    lines().map((l) => l.id),
    [l1, l3, l2, l4, l5],
  );
  await page.getByTestId('undo').click();
  await status.getByText('Undone: reading order of line 2').waitFor();
  assert.deepEqual(
    lines().map((l) => l.id),
    [l1, l2, l3, l4, l5],
  );
  await page.screenshot({ path: join(ARTIFACTS, 'undo-reading-order.png') });

  // The history outlives the page: save a text, reload, and Ctrl+Z still takes it back.
  await selectLine(page, 4);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Witnesses: the widow Kemp');
  await page.keyboard.press('Enter');
  await until('line 4 saved', () => lines()[3].text === 'Witnesses: the widow Kemp');
  await page.reload();
  // A reload comes back to the page and line (the address keeps them).
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await page.keyboard.press('Control+z');
  await status.getByText('Undone: text of line 4').waitFor();
  assert.equal(lines()[3].text, null);
  await page.screenshot({ path: join(ARTIFACTS, 'undo-after-reload.png') });
});

test('undo and redo a drawn and a deleted region: the page shows it go and come back, its lines in it', async () => {
  const { app, browser } = fixture();
  const page = await openPageScreen({ app, browser });
  const status = page.getByTestId('page-status');
  const db = () => app.project.db;
  const regions = () => db().prepare('SELECT id, polygon FROM regions').all() as Array<{ id: number; polygon: string }>;
  const members = (id: number) => (db().prepare('SELECT count(*) AS n FROM lines WHERE region_id = ?').get(id) as { n: number }).n;
  const drawn = (n: number) =>
    page.waitForFunction((n) => document.querySelector<HTMLElement>('[data-testid="page-canvas"]')?.dataset.drawnRegions === String(n), n);
  await drawn(0);

  // Draw a region around lines 1 and 2, then delete it.
  const at = await pagePoint(page);
  await page.getByTestId('tool-draw-region').click();
  await page.mouse.move(...at(60, 80));
  await page.mouse.down();
  await page.mouse.move(...at(400, 200), { steps: 3 });
  await page.mouse.move(...at(840, 270), { steps: 3 });
  await page.mouse.up();
  await status.getByText('Region added').waitFor();
  await drawn(1);
  const [{ id, polygon }] = regions();
  assert.equal(members(id), 2);
  await page.getByRole('button', { name: 'Delete region' }).click();
  await status.getByText('Region deleted (its lines stay)').waitFor();
  await drawn(0);

  // Ctrl+Z (the keyboard is on the region tools, not in the text field) brings it back as it was.
  await page.keyboard.press('Control+z');
  await status.getByText('Undone: deletion of region 1').waitFor();
  await drawn(1);
  assert.deepEqual(regions(), [{ id, polygon }]);
  assert.equal(members(id), 2, 'its lines are in it again');
  await page.getByTestId('undo').click();
  await status.getByText('Undone: drawn region').waitFor();
  await drawn(0);
  assert.deepEqual(regions(), []);
  await page.getByTestId('redo').click();
  await status.getByText('Redone: drawn region').waitFor();
  await drawn(1);
  assert.equal(members(regions()[0].id), 2);
  await page.screenshot({ path: join(ARTIFACTS, 'undo-region.png') });
});

/** Moves the selection to line `n` (1-based) with the keyboard, from the text field. */
async function selectLine(page: Page, n: number): Promise<void> {
  await page.getByTestId('line-text').focus();
  const position = async () => Number(/Line (\d+) of/.exec(await page.locator('.position').innerText())![1]);
  for (let i = 0; i < 10 && (await position()) !== n; i++) await page.keyboard.press((await position()) < n ? 'ArrowDown' : 'ArrowUp');
  assert.equal(await position(), n);
}

/** A key once the text field has the keyboard again after an edit (it takes it back a moment later). */
async function keyAfterEdit(page: Page, key: string): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await page.keyboard.press(key);
}
