// End to end in Chromium, a review run across pages: opened from Review, Tab takes the
// reading and Enter saves it and opens the next least confident reading on another page;
// keys typed while that page opens go to its line, not to the line left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertPrediction } from '../../main/db/predictions.ts';
import { useBrowserApp } from '../helpers/browser-app.ts';
import { addSynthPages } from '../helpers/synth-project.ts';
import { saveTinyVersion } from '../helpers/tiny-model.ts';

let lineIds: number[] = [];
const fixture = useBrowserApp(async (project) => {
  await addSynthPages(project, [41, 42], { lines: 3, oneDocument: true });
  const model = await saveTinyVersion(project);
  // The least confident reading on the first page, the next on the second.
  const rows = project.db
    .prepare('SELECT l.id, p.page_index FROM lines l JOIN pages p ON p.id = l.page_id ORDER BY p.page_index, l.reading_order')
    .all() as Array<{
    id: number;
    page_index: number;
  }>;
  const first = rows.find((r) => r.page_index === 0)!;
  const second = rows.find((r) => r.page_index === 1)!;
  lineIds = [first.id, second.id];
  for (const r of rows) {
    const confidence = r.id === first.id ? 0.1 : r.id === second.id ? 0.2 : 0.9;
    upsertPrediction(project.db, r.id, model.id, { text: `reading ${r.id}`, confidence, charConfidence: JSON.stringify([confidence]) });
  }
});

test('Enter in a review run opens the next reading on another page, with the keys typed on the way', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.server.url);
  await page.getByRole('button', { name: 'Review' }).click();
  const review = page.getByTestId('review').locator('li');
  await review.first().waitFor();
  await review.first().locator('button').click();
  const field = page.getByTestId('line-text');
  await field.waitFor();
  assert.equal(new URL(page.url()).searchParams.get('line'), String(lineIds[0]));
  await field.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Anno');
  await page.waitForFunction((want) => new URL(location.href).searchParams.get('line') === want, String(lineIds[1]));
  await page.waitForFunction(() => (document.querySelector('[data-testid="line-text"]') as HTMLInputElement | null)?.value === 'Anno');
  const saved = app.project.db.prepare('SELECT text FROM current_transcriptions WHERE line_id = ?').get(lineIds[0]) as { text: string };
  assert.equal(saved.text, `reading ${lineIds[0]}`, 'the first reading saved as taken');
  const typedOn = app.project.db.prepare('SELECT count(*) AS n FROM current_transcriptions WHERE line_id = ?').get(lineIds[1]) as {
    n: number;
  };
  assert.equal(typedOn.n, 0, 'the keys typed on the way wait in the next line, unsaved');
  assert.match(await page.getByTestId('reading-queue').innerText(), /Reviewing/);
});
