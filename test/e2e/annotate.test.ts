// End to end in Chromium, the annotation workflow: create a project, import a page scan,
// find its lines, correct one line's polygon by dragging a point, transcribe three lines
// with the keyboard only, reload and find them again, and find them by search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { distanceToPolyline } from '../../main/layout/baseline-metrics.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, useBrowserApp } from '../helpers/browser-app.ts';
import { writeSynthPage } from '../helpers/images.ts';
import { handKeysToLineTools, pagePoint } from '../helpers/page-screen.ts';
import { tempDir } from '../helpers/project.ts';

const scan = join(tempDir(), 'folio-3v.png');
const fixture = useBrowserApp(async () => {
  await writeSynthPage(6, scan);
});

test('import, find lines, reshape one, transcribe three with the keyboard, reload, search', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.server.url);
  // A new project, made from the UI.
  const folder = join(tempDir(), 'parish-accounts');
  await page.getByTestId('project-menu').click();
  await page.getByTestId('project-path').fill(folder);
  await page.getByTestId('project-create').click();
  await page.getByTestId('project-menu').getByText('parish-accounts').waitFor();
  assert.equal(app.project.root, folder);
  await page.getByTestId('annotate-next').click();
  await page.getByText('No suggestions yet').waitFor();
  await page.getByTestId('import-input').setInputFiles([scan]);
  await openFirstPage(page);
  await page.getByTestId('segment-page').click();
  await page
    .getByTestId('page-status')
    .getByText(/lines found/)
    .waitFor();
  const found = Number(/(\d+) lines found/.exec(await page.getByTestId('page-status').innerText())![1]);
  assert.ok(found >= 15, `${found} lines found`);
  await page.screenshot({ path: join(ARTIFACTS, 'annotate-segmented.png') });

  // Drag a point of the selected (first) line's polygon 12 page pixels up: its first point
  // clear of its baseline and of the other points (a polygon drawn from the ink starts and
  // ends on the baseline, and at this zoom handles closer than ~16 page pixels overlap).
  const pageId = Number(new URL(page.url()).searchParams.get('page') ?? 1);
  const before = app.project.db
    .prepare('SELECT id, polygon, baseline FROM lines WHERE page_id = ? ORDER BY reading_order LIMIT 1')
    .get(pageId) as { id: number; polygon: string; baseline: string | null };
  const baseline = JSON.parse(before.baseline ?? '[]') as Array<[number, number]>;
  const points = JSON.parse(before.polygon) as Array<[number, number]>;
  const vertex = points.findIndex(
    (p, i) =>
      (!baseline.length || distanceToPolyline(p, baseline) >= 8) &&
      points.every((q, j) => j === i || Math.hypot(q[0] - p[0], q[1] - p[1]) >= 16),
  );
  assert.ok(vertex >= 0, `a point to drag in ${before.polygon}`);
  const [px, py] = points[vertex];
  const at = await pagePoint(page);
  await page.mouse.move(...at(px, py));
  await page.mouse.down();
  await page.mouse.move(...at(px, py - 6), { steps: 3 });
  await page.mouse.move(...at(px, py - 12), { steps: 3 });
  await page.mouse.up();
  await page.getByTestId('page-status').getByText('Line shape saved').waitFor();
  const after_ = app.project.db.prepare('SELECT polygon FROM lines WHERE id = ?').get(before.id) as { polygon: string };
  const [nx, ny] = JSON.parse(after_.polygon)[vertex] as [number, number];
  assert.ok(Math.abs(nx - px) <= 2 && Math.abs(ny - (py - 12)) <= 2, `point moved from ${px},${py} to ${nx},${ny}`);
  assert.equal(
    (app.project.db.prepare('SELECT count(*) AS n FROM line_geometry_history WHERE line_id = ?').get(before.id) as { n: number }).n,
    1,
  );

  // Draw a line in the empty top margin, then delete it again.
  await page.getByTestId('tool-draw').click();
  await page.mouse.move(...at(200, 12));
  await page.mouse.down();
  await page.mouse.move(...at(500, 30), { steps: 3 });
  await page.mouse.move(...at(800, 50), { steps: 3 });
  await page.mouse.up();
  await page
    .getByTestId('page-status')
    .getByText('Line added')
    .waitFor({ timeout: 5000 })
    .catch(async (e) => {
      throw new Error(`status: ${await page.getByTestId('page-status').innerText()}; ${e.message}`);
    });
  const drawn = app.project.db
    .prepare('SELECT id, polygon, reading_order FROM lines WHERE page_id = ? ORDER BY id DESC LIMIT 1')
    .get(pageId) as { id: number; polygon: string; reading_order: number };
  const [[dx0, dy0], , [dx1, dy1]] = JSON.parse(drawn.polygon) as Array<[number, number]>;
  assert.ok(Math.abs(dx0 - 200) <= 2 && Math.abs(dy0 - 12) <= 2 && Math.abs(dx1 - 800) <= 2 && Math.abs(dy1 - 50) <= 2, drawn.polygon);
  assert.equal(drawn.reading_order, 0, 'a line drawn above all others comes first');
  await page.getByTestId('tool-delete').click();
  await page.getByTestId('page-status').getByText('Line deleted').waitFor();

  // Merge the first line with the next (M), then split it again where they met (S + click).
  const firstTwo = app.project.db
    .prepare('SELECT id, box_x, box_w FROM lines WHERE page_id = ? ORDER BY reading_order LIMIT 2')
    .all(pageId) as Array<{ id: number; box_x: number; box_w: number }>;
  await handKeysToLineTools(page);
  await page.keyboard.press('m');
  await page.getByTestId('page-status').getByText('Lines merged').waitFor();
  const count = () => (app.project.db.prepare('SELECT count(*) AS n FROM lines WHERE page_id = ?').get(pageId) as { n: number }).n;
  assert.equal(count(), found - 1);
  const merged = app.project.db.prepare('SELECT box_x, box_y, box_w, box_h FROM lines WHERE id = ?').get(firstTwo[0].id) as {
    box_x: number;
    box_y: number;
    box_w: number;
    box_h: number;
  };
  await handKeysToLineTools(page);
  await page.keyboard.press('s');
  await page.mouse.click(...at(merged.box_x + merged.box_w / 2, merged.box_y + merged.box_h / 2));
  await page.getByTestId('page-status').getByText('Line split').waitFor();
  assert.equal(count(), found);

  const field = page.getByTestId('line-text');
  await field.focus();
  const typed = ['Received of Mr Hale', 'the sum of forty shillings', 'for the rent of the mill'];
  for (const text of typed) {
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }
  await page.screenshot({ path: join(ARTIFACTS, 'annotate-transcribed.png') });
  await page.reload();
  // A reload comes back to the page and line (the address keeps them).
  await field.waitFor();
  assert.match(await page.locator('nav span').first().innerText(), new RegExp(`^3/${found} lines labeled`));
  const texts: string[] = [];
  // The first unlabeled line is selected after reload: the three above it are ours.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('ArrowUp');
    texts.unshift(await field.inputValue());
  }
  assert.deepEqual(texts, typed);
  await page.getByTestId('search').fill('shillings');
  await page.keyboard.press('Enter');
  const results = page.getByTestId('search-results');
  await results.waitFor();
  assert.match(await results.innerText(), /the sum of forty shillings/);
  assert.deepEqual(await results.locator('mark').allInnerTexts(), ['shillings'], 'the match is marked');
  await page.screenshot({ path: join(ARTIFACTS, 'annotate-search.png') });

  await page.getByTestId('open-training').click();
  await page.getByTestId('training-panel').waitFor();
  assert.match(await page.getByTestId('training-panel').innerText(), /Fine-tune a recognizer/);
  // Transcribe the page with the bundled base model, then proofread the least sure line.
  await page.getByTestId('add-base-model').click();
  await page.getByTestId('models').getByText('Quire base model').waitFor();
  await page.getByTestId('job-kind').selectOption('transcribe');
  await page.getByTestId('start-job').click();
  await page.getByTestId('jobs').getByText('done').waitFor({ timeout: 120_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'training-panel.png') });
  await page.getByRole('button', { name: 'Review' }).click();
  const review = page.getByTestId('review').locator('li');
  await review.first().waitFor();
  assert.equal(await review.count(), found - 3, 'every unlabeled line has a reading to review');
  const [first, second, third] = await Promise.all([0, 1, 2].map(async (i) => (await review.nth(i).locator('img').getAttribute('alt'))!));
  await review.first().locator('button').click();
  await page.getByTestId('line-text').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'review-line.png') });
  // Opened from Review, Enter takes the reading and goes to the next least confident one
  // (lib/reading-queue.ts), not the page's next line; Stop ends the run.
  assert.match(await page.getByTestId('reading-queue').innerText(), /Reviewing: Enter saves the line/);
  const lineInAddress = () => `line ${new URL(page.url()).searchParams.get('line')}`;
  assert.equal(lineInAddress(), first);
  await page.getByTestId('line-text').press('Tab');
  await page.getByTestId('line-text').press('Enter');
  await page.waitForFunction((want) => new URL(location.href).searchParams.get('line') === want, second.replace('line ', ''));
  const saved = app.project.db
    .prepare('SELECT text FROM current_transcriptions WHERE line_id = ?')
    .get(Number(first.replace('line ', ''))) as { text: string } | undefined;
  assert.ok(saved && saved.text.length > 0, 'the reading taken with Tab is saved');
  // Enter on a line left as it is skips it: the run goes on to the third.
  await page.getByTestId('line-text').press('Enter');
  await page.waitForFunction((want) => new URL(location.href).searchParams.get('line') === want, third.replace('line ', ''));
  await page.getByTestId('reading-queue').getByRole('button', { name: 'Stop' }).click();
  assert.equal(await page.getByTestId('reading-queue').count(), 0);
});
