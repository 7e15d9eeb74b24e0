// End to end, the keyboard: Enter and Ctrl+↓ go on past a page's last line to the next
// page; Tab never leaves the text field for the character palette (it takes the model's
// reading when there is one); Alt+P reaches the palette; and every control of the page
// screen can be reached with Tab and Shift+Tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { addSynthPages } from '../helpers/synth-project.ts';

// Page 1: three unlabeled lines; page 2: all labeled; page 3: the first labeled, then two unlabeled.
const fixture = useBrowserApp(async (project) => {
  await addSynthPages(project, [41, 42, 43], {
    lines: 3,
    oneDocument: true,
    labeled: (line, page) => page === 1 || (page === 2 && line === 0),
  });
});

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
const where = async (page: Page) =>
  `${await page.locator('nav strong').innerText()} ${await page.getByTestId('line-text').getAttribute('aria-label')}`;
async function waitWhere(page: Page, expected: string) {
  for (let i = 0; i < 100 && (await where(page).catch(() => '')) !== expected; i++) await page.waitForTimeout(50);
  assert.equal(await where(page), expected);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
}

test('Enter and Ctrl+↓ go on to the next page; the end of the document says so', async () => {
  const { app } = fixture();
  const page = await openPageScreen(fixture());
  await waitWhere(page, 'Page 1 transcription of line 1');
  const text = (order: number, pageIndex: number) =>
    (
      app.project.db
        .prepare(
          `SELECT ct.text FROM lines l JOIN pages p ON p.id = l.page_id
    LEFT JOIN current_transcriptions ct ON ct.line_id = l.id WHERE p.page_index = ? AND l.reading_order = ?`,
        )
        .get(pageIndex, order) as { text: string | null }
    ).text;
  await page.keyboard.type('first line');
  await page.keyboard.press('Enter');
  await waitWhere(page, 'Page 1 transcription of line 2');
  await page.keyboard.press('Control+ArrowDown');
  await waitWhere(page, 'Page 1 transcription of line 3');
  // Ctrl+↓ on the page's last unlabeled line: past page 2 (all labeled) to page 3's first unlabeled line.
  await page.keyboard.type('third line');
  await page.keyboard.press('Control+ArrowDown');
  await waitWhere(page, 'Page 3 transcription of line 2');
  assert.equal(text(2, 0), 'third line', 'saved before leaving the page');
  await page.screenshot({ path: join(ARTIFACTS, 'keyboard-next-page.png') });
  // Enter on the last line of the last page: saved, and the status says there is no next page.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.type('the end');
  await page.keyboard.press('Enter');
  await page.getByTestId('page-status').getByText('This is the last page of the document').waitFor();
  assert.equal(text(2, 2), 'the end');
  // Enter on page 1's last line opens page 2 on its first line (it has no unlabeled one).
  await page.getByRole('button', { name: /← register/ }).click();
  await page.getByTestId('page').first().click();
  await waitWhere(page, 'Page 1 transcription of line 2');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await waitWhere(page, 'Page 2 transcription of line 1');
  assert.equal(text(0, 0), 'first line');
});

test('Tab keeps the keyboard in the text field; Alt+P reaches the palette; every control is reachable', async () => {
  const { app } = fixture();
  const page = await openPageScreen(fixture());
  const field = page.getByTestId('line-text');
  await waitWhere(page, 'Page 1 transcription of line 2');
  // No model reading: Tab does nothing, the typing goes on in the field.
  await page.keyboard.type('ab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'line-text');
  await page.keyboard.type('c');
  assert.equal(await field.inputValue(), 'abc');
  // With a reading and an empty field, Tab takes it.
  const lineId = Number((await page.getByTestId('line-image').getAttribute('src'))!.match(/line-image\/(\d+)/)![1]);
  app.project.db.prepare("INSERT INTO models (name, kind, config, weights_hash) VALUES ('m', 'finetune', '{}', 'x')").run();
  app.project.db
    .prepare("INSERT INTO predictions (line_id, model_id, text, confidence, char_confidence) VALUES (?, 1, 'a reading', 0.9, '[0.9]')")
    .run(lineId);
  await page.reload();
  // A reload comes back to the page and line (the address keeps them).
  await waitWhere(page, 'Page 1 transcription of line 2');
  assert.equal(await field.inputValue(), 'abc', 'the draft came back');
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Tab');
  assert.equal(await field.inputValue(), 'a reading');
  assert.equal(await focused(page), 'line-text');

  // Alt+P: the first special character; → the next; Enter inserts it and returns to the text.
  await page.keyboard.press('End');
  await page.keyboard.press('Alt+p');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'insert ſ');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  assert.equal(await field.inputValue(), 'a readingꝛ');
  assert.equal(await focused(page), 'line-text');
  // The palette and the field draw these letters with the bundled Junicode, which has them (ꝛ was an empty box).
  const font = await page.evaluate(async () => {
    await document.fonts.ready;
    // (No named helpers in here: the test's compiler would wrap them in a __name call the page lacks.)
    const [palette, field] = ['[aria-label="insert ꝛ"]', '[data-testid=line-text]'].map(
      (sel) => getComputedStyle(document.querySelector(sel)!).fontFamily,
    );
    return {
      palette,
      field,
      ready: document.fonts.check('20px "Junicode Quire"', 'ſꝛ⁊ꝑꝓ'),
      loaded: [...document.fonts].some((f) => f.family.includes('Junicode Quire') && f.status === 'loaded'),
    };
  });
  assert.match(font.palette, /^"Junicode Quire"/);
  assert.match(font.field, /^"Junicode Quire"/);
  assert.ok(font.ready && font.loaded, JSON.stringify(font));
  await page.getByTestId('line-text').screenshot({ path: join(ARTIFACTS, 'keyboard-palette-font.png') });

  // Every control: backwards from the text field with Shift+Tab, forwards from the palette with Tab.
  const reached = new Set<string>();
  await page.evaluate(() =>
    document.querySelectorAll('button, input, select, summary, [tabindex]').forEach((el, i) => el.setAttribute('data-k', String(i))),
  );
  const walk = async (key: string, steps: number) => {
    for (let i = 0; i < steps; i++) {
      await page.keyboard.press(key);
      const k = await page.evaluate(() => document.activeElement?.getAttribute('data-k'));
      if (k) reached.add(k);
    }
  };
  const controls = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-k]')]
      .filter((el) => !(el as HTMLButtonElement).disabled && el.getAttribute('tabindex') !== '-1' && el.checkVisibility())
      .map((el) => ({
        k: el.getAttribute('data-k')!,
        name: el.getAttribute('aria-label') ?? el.getAttribute('data-testid') ?? el.textContent?.trim().slice(0, 30),
      })),
  );
  // Enough steps to go round every control and back to the field, however many the screen has.
  await walk('Shift+Tab', controls.length + 5);
  await field.focus();
  await page.keyboard.press('Alt+p');
  reached.add((await page.evaluate(() => document.activeElement?.getAttribute('data-k')))!);
  await walk('Tab', 20);
  const missed = controls.filter((c) => !reached.has(c.k));
  assert.deepEqual(missed, [], 'controls never reached by the keyboard');
  assert.ok(controls.length > 25, `${controls.length} controls`);
});
