// End to end in Chromium, the Training screen without a training run (a tiny model reads the
// page fixture's lines in seconds): "No suggestions yet" goes when the screen changes and
// when a job is done (a transcription makes suggestions), never standing there stale; the
// jobs' log lines read in local time, not as ISO timestamps; and Rename on a model version
// hands the keyboard to its name field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { useBrowserApp } from '../helpers/browser-app.ts';
import { importPageFixture } from '../helpers/page-fixture.ts';
import { saveTinyVersion } from '../helpers/tiny-model.ts';

let tinyId = 0;
const fixture = useBrowserApp(async (project) => {
  await importPageFixture(project);
  tinyId = (await saveTinyVersion(project)).id;
});

test('the "no suggestions" notice does not outlive its moment; log times are local; Rename focuses the name', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(app.server.url);
  await page.getByTestId('document').first().waitFor();
  const notice = page.getByText('No suggestions yet');

  // Asked on the documents screen, gone on the Training screen.
  await page.getByTestId('annotate-next').click();
  await notice.waitFor();
  await page.getByTestId('open-training').click();
  await page.getByTestId('training-panel').waitFor();
  await notice.waitFor({ state: 'detached' });

  // Asked on the Training screen, gone when a transcription is done (it made suggestions).
  await page.getByTestId('annotate-next').click();
  await notice.waitFor();
  await page.getByTestId('job-kind').selectOption('transcribe');
  await page.getByTestId('job-model').selectOption(String(tinyId));
  await page.getByTestId('language-model').uncheck();
  await page.getByTestId('start-job').click();
  const job = page.getByTestId('jobs').locator('[data-job="1"]');
  await page.waitForFunction(() => document.querySelector('[data-job="1"]')?.getAttribute('data-state') === 'done', null, {
    timeout: 120_000,
  });
  await notice.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('training-panel').count(), 1, 'still on the Training screen');

  // The log line: its time today, local, then what it says; no ISO timestamp.
  const log = await job.getByTestId('job-log').innerText();
  assert.match(log, /^\d\d:\d\d:\d\d \S/, log);
  assert.doesNotMatch(log, /\d{4}-\d\d-\d\dT\d\d:\d\d/, log);
  const iso = await job.getByTestId('job-log').locator('time').getAttribute('datetime');
  const at = new Date(iso!);
  const two = (n: number) => String(n).padStart(2, '0');
  assert.ok(log.startsWith(`${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`), 'the local time of the ISO one');
  await page.screenshot({ path: join(ARTIFACTS, 'training-screen-jobs.png') });

  // Rename: the name field has the keyboard at once, its name selected, ready to be typed over.
  const row = page.getByTestId('models').locator(`[data-model="${tinyId}"]`);
  await row.getByTestId('model-rename').click();
  const input = row.getByTestId('model-name-input');
  await input.waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'model-name-input', null, { timeout: 2000 });
  await page.keyboard.type('tiny, read once');
  await page.keyboard.press('Enter');
  await row.getByText('tiny, read once').waitFor();
  assert.deepEqual(app.project.db.prepare('SELECT name FROM models WHERE id = ?').get(tinyId), { name: 'tiny, read once' });

  // Suggestions are there now: Annotate next opens a line, and no notice says otherwise.
  await page.getByTestId('annotate-next').click();
  await page.getByTestId('line-text').waitFor();
  assert.equal(await notice.count(), 0);
  await page.close();
});
