// End to end in Chromium, jobs and model versions as a person sees them: a training job
// reads "running" from its start (never "queued"), the header shows it on every screen, a
// job started meanwhile says what it waits for, a cancelled job keeps no ETA but says at
// which step it stopped, a resumed one
// never shows "cancelled" with a Resume button; model versions show their date, lines
// and metrics, are renamed, made current and deleted (never the base model); the Training
// form's choices come back after a reload; and the project is exported as a zip download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { importLineFolder } from '../../main/import/import-images.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { useBrowserApp } from '../helpers/browser-app.ts';
import { writeLineFolder } from '../helpers/line-project.ts';

const fixture = useBrowserApp(async (project) => {
  await importLineFolder(project, await writeLineFolder(32, 24));
});

const row = (page: Page, id: number) => page.getByTestId('jobs').locator(`[data-job="${id}"]`);
const stateOf = (r: Locator) => r.getAttribute('data-state');

async function waitState(r: Locator, states: string[], timeout = 180_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!states.includes((await stateOf(r)) ?? '')) {
    if (Date.now() > deadline) throw new Error(`job still ${await stateOf(r)}: ${await r.innerText()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('live job states, the header job indicator, model versions and remembered choices', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('dialog', (d) => d.accept());
  await page.goto(app.server.url);
  await page.getByTestId('document').first().waitFor();
  assert.equal(await page.getByTestId('job-indicator').count(), 0, 'no job, no indicator');
  await page.getByTestId('open-training').click();
  // A new project's fine-tuning is proposed from the bundled base model, added when it starts.
  const from = page.getByTestId('job-from');
  await page.waitForFunction(() => (document.querySelector('[data-testid="job-from"]') as HTMLSelectElement | null)?.value === 'base');
  assert.match(await from.locator('option:checked').innerText(), /bundled base model/);
  await page.getByTestId('add-base-model').click();
  const models = page.getByTestId('models');
  const base = models.locator('[data-model="1"]');
  await base.getByText('Quire base model').waitFor();
  assert.match(await base.innerText(), /\d{4}-\d\d-\d\d \d\d:\d\d[\s\S]*real manuscripts/);
  assert.equal(await base.getByTestId('model-delete').isDisabled(), true);
  assert.match((await base.getByTestId('model-delete').getAttribute('title'))!, /cannot be deleted/);

  // Fine-tuning is proposed from the base model just added, never from nothing.
  await page.waitForFunction(() => (document.querySelector('[data-testid="job-from"]') as HTMLSelectElement | null)?.value === '1');
  // A short fine-tuning from scratch: it reads running at once, and everywhere.
  await from.selectOption('scratch');
  await page.getByTestId('semi-supervised').uncheck();
  await page.getByText('Advanced').click();
  await page.getByTestId('steps').fill('40');
  await page.getByTestId('batch-size').fill('4');
  await page.getByTestId('start-job').click();
  const training = row(page, 1);
  await waitState(training, ['running'], 10_000);
  const indicator = page.getByTestId('job-indicator');
  await indicator.getByText(/Fine-tuning · step \d+\/40/).waitFor({ timeout: 120_000 });
  assert.equal(await stateOf(training), 'running');

  // A transcription started meanwhile waits, and says for what.
  await page.getByTestId('job-kind').selectOption('transcribe');
  await page.getByTestId('job-model').selectOption('1');
  await page.getByTestId('language-model').check();
  await page.getByTestId('start-job').click();
  const reading = row(page, 2);
  await waitState(reading, ['queued'], 10_000);
  assert.match(await reading.getByTestId('job-waiting').innerText(), /waits for job 1 \(fine-tuning\) to finish/);
  await page.screenshot({ path: join(ARTIFACTS, 'jobs-waiting.png') });
  await page.getByRole('button', { name: 'Documents' }).click();
  await indicator.getByText('+1 queued').waitFor();
  assert.match(await indicator.innerText(), /Fine-tuning · step \d+\/40/);
  await page.screenshot({ path: join(ARTIFACTS, 'jobs-indicator-documents.png') });
  await indicator.click();
  await page.getByTestId('training-panel').waitFor();

  // Cancel: the job says cancelled, and no ETA of it stays anywhere.
  await training.getByTestId('job-cancel').click();
  await waitState(training, ['cancelled'], 60_000);
  assert.doesNotMatch(await training.innerText(), /ETA/);
  assert.match(await training.getByTestId('job-progress-cell').innerText(), /^cancelled at step \d+\/40$/);
  assert.match(await training.getByTestId('job-log').innerText(), /^\d\d:\d\d:\d\d \S/, 'the log line at local time, not ISO');
  assert.doesNotMatch(await indicator.innerText().catch(() => ''), /Fine-tuning/);
  const progress = page.getByTestId('job-progress');
  if (await progress.count()) assert.doesNotMatch(await progress.innerText(), /job 1 /);
  // Resume: queued behind the transcription (or running), never "cancelled" with a Resume button.
  await training.getByTestId('job-resume').click();
  await waitState(training, ['queued', 'running'], 5_000);
  assert.equal(await training.getByTestId('job-resume').count(), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'jobs-resumed.png') });
  const deadline = Date.now() + 240_000;
  for (let s = await stateOf(training); s !== 'done'; s = await stateOf(training)) {
    assert.ok(s === 'queued' || s === 'running', `the resumed job read ${s}: ${await training.innerText()}`);
    assert.ok(Date.now() < deadline, 'the resumed job did not finish');
    await new Promise((res) => setTimeout(res, 200));
  }
  assert.equal(await stateOf(reading), 'done');
  assert.match(await reading.innerText(), /read \d+ lines with the language model/);

  // The new version: date, lines, metrics; renamed, made current, then deleted.
  const tuned = models.locator('[data-model="2"]');
  await tuned.waitFor();
  assert.match(await tuned.innerText(), /\d{4}-\d\d-\d\d[\s\S]*\d+ labeled lines[\s\S]*validation CER \d+\.\d %/);
  await tuned.getByTestId('model-rename').click();
  // The name field has the keyboard at once.
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'model-name-input');
  await tuned.getByTestId('model-name-input').fill('Hale accounts, first try');
  await page.keyboard.press('Enter');
  await tuned.getByText('Hale accounts, first try').waitFor();
  await tuned.getByRole('radio').check();
  await tuned.getByText('current', { exact: true }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'model-versions.png') });
  assert.match(await page.getByTestId('job-model').innerText(), /2: Hale accounts, first try \(current\)/);
  await tuned.getByTestId('model-delete').click();
  await tuned.waitFor({ state: 'detached' });
  assert.deepEqual(app.project.db.prepare('SELECT id FROM models').all(), [{ id: 1 }]);

  // The form's choices are the project's: after a reload they are as they were left.
  await page.getByTestId('job-kind').selectOption('evaluate');
  await page.waitForTimeout(600);
  await page.reload();
  await page.getByTestId('open-training').click();
  await page.getByTestId('training-panel').waitFor();
  await page.waitForFunction(() => (document.querySelector('[data-testid="job-kind"]') as HTMLSelectElement | null)?.value === 'evaluate');
  await page.getByTestId('job-kind').selectOption('finetune');
  assert.equal(await from.inputValue(), 'scratch', 'a start chosen by name comes back');
});

test('export the project as plain text, with human text only or with the model readings, as a zip download', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(app.server.url);
  const texts: string[] = [];
  for (const readings of [false, true]) {
    await page.getByTestId('export-open').click();
    await page.getByTestId('export-format-text').check();
    await page.getByTestId(readings ? 'export-readings' : 'export-human').check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
    await page
      .getByTestId('export-result')
      .getByText(/Downloaded .*-text\.zip \(1 file\)/)
      .waitFor();
    if (readings) await page.screenshot({ path: join(ARTIFACTS, 'export-dialog.png') });
    const files = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
    texts.push(strFromU8(Object.values(files)[0]));
    await page.getByTestId('export-open').click();
  }
  const filled = (t: string) => t.split('\n').filter((l) => l.trim() && l !== '\f').length;
  const labeled = (app.project.db.prepare('SELECT count(*) AS n FROM current_transcriptions').get() as { n: number }).n;
  assert.equal(filled(texts[0]), labeled, 'human text only: the labeled lines');
  assert.ok(filled(texts[1]) > labeled, 'with readings: the unlabeled lines too');
});
