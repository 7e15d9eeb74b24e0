// End to end in Chromium: the line segmenter fine-tuned from the Training panel (a
// "Segmenter" job on the project's corrected pages) shows its progress, finishes, and is
// then offered in the "Find lines" menu, which runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createService } from '../../main/api/service.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { openFirstPage, useBrowserApp } from '../helpers/browser-app.ts';
import { addCorrectedPages } from '../helpers/corrected-pages.ts';

const fixture = useBrowserApp(async (project) => {
  await addCorrectedPages(createService(project));
});

test('a segmenter job started in the Training panel shows progress, ends done and is picked in Find lines', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  await page.getByTestId('document').first().waitFor();
  await page.getByTestId('open-training').click();
  await page.getByTestId('job-kind').selectOption('segmenter');
  await page
    .getByTestId('corrected-pages')
    .getByText(/^2 corrected pages/)
    .waitFor();
  await page.getByTestId('segmenter-steps').fill('8');
  await page.getByTestId('start-job').click();

  const row = page.getByTestId('jobs').locator('[data-job]').last();
  await row.waitFor();
  const jobId = Number(await row.getAttribute('data-job'));
  await page
    .getByTestId('job-progress')
    .getByText(/Segmenter training · step \d+\/8/)
    .waitFor({ timeout: 120_000 });
  assert.match(await page.getByTestId('job-progress').innerText(), /loss \d+\.\d{3}/);
  await page.screenshot({ path: join(ARTIFACTS, 'segmenter-job-running.png') });
  await page.waitForFunction(
    (id) => document.querySelector(`[data-testid="jobs"] [data-job="${id}"]`)?.getAttribute('data-state') === 'done',
    jobId,
    { timeout: 120_000 },
  );
  assert.equal(await row.getByTestId('job-resume').count(), 0);

  await page.getByRole('button', { name: 'Documents' }).click();
  await openFirstPage(page);
  const menu = page.getByTestId('segmenter');
  const choice = menu.locator(`option[value="project:${jobId}"]`);
  await choice.waitFor({ state: 'attached' });
  assert.match(await choice.innerText(), new RegExp(`job ${jobId} · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d · 2 pages`));
  await menu.selectOption(`project:${jobId}`);
  await page.getByTestId('segment-page').click();
  const status = page.getByTestId('page-status');
  await status.getByText(/lines found/).waitFor({ timeout: 60_000 });
  assert.match(await status.innerText(), new RegExp(`transcribed lines kept as they were \\(segmenter fine-tuned by job ${jobId}\\)$`));
  await page.screenshot({ path: join(ARTIFACTS, 'segmenter-job-find-lines.png') });
});
