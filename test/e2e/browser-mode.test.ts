// End to end: browser mode in Debian's Chromium. Starts the server on a new project,
// imports a page scan through the import button and sees its thumbnail; a broken file
// is reported by name; nothing is logged as a console error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_SOURCE } from '../../main/app/sample-project.ts';
import { serveProject } from '../../main/app/browser-mode.ts';
import { Project } from '../../main/project/project.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { useBrowserApp } from '../helpers/browser-app.ts';
import { png } from '../helpers/images.ts';
import { altoXml, write } from '../helpers/layout-files.ts';

const fixture = useBrowserApp();

test('imports a page in browser mode and shows its thumbnail, with no console error', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.server.url);
  await page.getByText('No documents yet').waitFor();
  const broken = join(mkdtempSync(join(tmpdir(), 'quire-e2e-')), 'broken.png');
  writeFileSync(broken, Buffer.from('this is not a png'));
  await page.getByTestId('import-input').setInputFiles([join(SAMPLE_SOURCE, 'pages', 'page-1.jpg'), broken]);
  const card = page.getByTestId('document');
  await card.first().waitFor();
  assert.equal(await card.count(), 1);
  const img = card.first().locator('img');
  await img.waitFor();
  await page.waitForFunction(
    (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
    await img.elementHandle(),
  );
  assert.match(await card.first().innerText(), /page-1/);
  assert.match(await page.getByRole('alert').innerText(), /broken\.png/);
  await page.screenshot({ path: join(ARTIFACTS, 'browser-mode-import.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('the page without the token is refused with a page saying what to open; the tab that opened the printed address gets back in', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage();
  const bare = app.server.url.replace(/\?token=.*/, '');
  const response = await page.goto(bare);
  assert.equal(response?.status(), 401);
  assert.match(await page.locator('body').innerText(), /Open the address that npm start printed/);
  // The tab keeps this launch's token: the address without it (a reload of an edited URL) leads back in.
  await page.goto(app.server.url);
  await page.getByTestId('document').first().waitFor();
  await page.goto(`${bare}?screen=documents`);
  await page.getByTestId('document').first().waitFor();
  assert.match(page.url(), /token=/);
  await page.close();
});

test('two Quire servers in one browser: each tab keeps its own token (no cookie), and the first still works', async () => {
  const { app, browser } = fixture();
  const dir = join(mkdtempSync(join(tmpdir(), 'quire-e2e-')), 'second');
  Project.init(dir).close();
  const second = await serveProject(dir);
  try {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(app.server.url);
    await first.getByTestId('import-input').waitFor({ state: 'attached' });
    const other = await context.newPage();
    await other.goto(second.server.url);
    await other.getByText('No documents yet').waitFor();
    assert.deepEqual(await context.cookies(), [], 'no cookie is set, so none is sent to other servers on 127.0.0.1');
    assert.equal(await first.evaluate(() => sessionStorage.getItem('quire-token')), app.server.token);
    // The first tab goes on working after the second server was opened.
    await first.getByTestId('import-input').setInputFiles([join(SAMPLE_SOURCE, 'pages', 'page-2.jpg')]);
    await first.getByTestId('document').filter({ hasText: 'page-2' }).waitFor();
    await context.close();
  } finally {
    await second.close();
  }
});

test('an ALTO file named .alto (as kraken and eScriptorium name them) uploads with its image as one page with its lines', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage();
  await page.goto(app.server.url);
  const dir = mkdtempSync(join(tmpdir(), 'quire-e2e-'));
  const image = write(dir, 'folio-7.png', await png(60, 40));
  const alto = write(dir, 'folio-7.alto', altoXml({ image: 'folio-7.png', width: 60, height: 40 }));
  const before = app.project.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number };
  await page.getByTestId('import-input').setInputFiles([alto, image]);
  await page
    .getByTestId('document')
    .getByText(/folio-7/)
    .first()
    .waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'no import failure');
  const text = app.project.db.prepare("SELECT count(*) AS n FROM current_transcriptions WHERE text = 'alto'").get() as { n: number };
  assert.equal(text.n, 1, 'the ALTO line came with its text');
  assert.equal((app.project.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n, before.n + 1);
  await page.close();
});
