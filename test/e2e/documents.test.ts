// End to end in Chromium, browser mode: a document is renamed on its card; removed (after a
// confirmation that says nothing is deleted), it leaves the grid and the header's counts and
// waits under Removed documents, from where Restore brings it back with its labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { importFiles } from '../../main/import/import-images.ts';
import { useBrowserApp } from '../helpers/browser-app.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { png } from '../helpers/images.ts';
import { tempDir } from '../helpers/project.ts';
import { write } from '../helpers/layout-files.ts';

const fixture = useBrowserApp(async (project) => {
  const dir = tempDir('quire-e2e-');
  await importFiles(project, [write(dir, 'first.png', await png(60, 40, '#886644')), write(dir, 'second.png', await png(50, 40))]);
});

test('rename a document; remove it (restorable), then restore it', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.accept();
  });
  await page.goto(app.server.url);
  const cards = page.getByTestId('document');
  await cards.first().waitFor();
  assert.equal(await cards.count(), 2);

  const second = page.locator('[data-document]').filter({ hasText: 'second' });
  await second.getByTestId('document-rename').click();
  const input = page.getByTestId('document-name-input');
  await input.fill('Register 1723');
  await input.press('Enter');
  await page.locator('[data-document]').filter({ hasText: 'Register 1723' }).waitFor();

  // The header's counts (the detail shown where the window is wide enough, else its title).
  const counts = async (re: RegExp) => {
    const detail = page.locator('header .detail');
    for (let i = 0; i < 100 && !re.test((await detail.textContent()) ?? ''); i++) await page.waitForTimeout(100);
    assert.match((await detail.textContent()) ?? '', re);
  };
  await counts(/^2 documents/);
  await page.locator('[data-document]').filter({ hasText: 'Register 1723' }).getByTestId('document-remove').click();
  assert.match(dialogs[0], /Remove “Register 1723”.*Nothing is deleted/s);
  await counts(/^1 document ·/);
  assert.equal(await cards.count(), 1);
  const removed = page.getByTestId('removed-documents');
  await removed.locator('summary').click();
  assert.match(await removed.innerText(), /Removed documents \(1\)[\s\S]*Register 1723[\s\S]*removed by me/);
  await page.screenshot({ path: join(ARTIFACTS, 'removed-documents.png') });

  // Its page, opened by its address (another window, the history), says it was removed.
  const pageId = (
    app.project.db.prepare("SELECT p.id FROM pages p JOIN documents d ON d.id = p.document_id WHERE d.name = 'Register 1723'").get() as {
      id: number;
    }
  ).id;
  const elsewhere = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  await elsewhere.goto(`${app.server.url}&page=${pageId}`);
  await elsewhere.getByTestId('document-removed').waitFor();
  assert.match(await elsewhere.getByTestId('document-removed').innerText(), /Register 1723 was removed from the project by me/);
  await elsewhere.close();

  await removed.getByTestId('restore-document').click();
  await counts(/^2 documents/);
  await page.locator('[data-document]').filter({ hasText: 'Register 1723' }).waitFor();
  assert.equal(await page.getByTestId('removed-documents').count(), 0, 'nothing left to restore');
});
