// End to end in Chromium, browser mode: an upload says what it imported, beside the import
// button; its documents name the files the user chose (not the server's staging folder), the
// same file uploaded again is recognised by that name, and a PAGE file sent without its image
// says to select or drop the two together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useBrowserApp } from '../helpers/browser-app.ts';
import { ARTIFACTS } from '../helpers/chromium.ts';
import { png } from '../helpers/images.ts';
import { pageXml, write } from '../helpers/layout-files.ts';
import { tempDir } from '../helpers/project.ts';

const fixture = useBrowserApp();

const lines = [1, 2, 3].map((k) => ({
  id: `l${k}`,
  points: `5,${k * 10} 55,${k * 10} 55,${k * 10 + 8} 5,${k * 10 + 8}`,
  text: `line ${k}`,
}));

test('an upload confirms what it imported, and its documents name the files chosen', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  await page.goto(app.server.url);
  await page.getByText('No documents yet').waitFor();
  const dir = tempDir('quire-e2e-');
  const portrait = write(dir, 'portrait.png', await png(60, 40, '#886644'));
  const xml = write(dir, 'page-1.xml', pageXml({ image: 'page-1.png', width: 60, height: 60, lines }));
  const image = write(dir, 'page-1.png', await png(60, 60));
  await page.getByTestId('import-input').setInputFiles([portrait, xml, image]);
  const done = page.getByTestId('import-done');
  await done.waitFor();
  assert.equal(await done.getByRole('button').getAttribute('aria-label'), 'Dismiss');
  assert.equal((await done.innerText()).replace('×', '').trim(), 'Imported 2 pages (page-1.xml with 3 lines, portrait.png)');
  assert.equal(await page.getByRole('alert').count(), 0, 'no import failure');
  // The confirmation fits in the header of a narrow window.
  const overflow = await page.evaluate(() => {
    const header = document.querySelector('header')!;
    return header.scrollWidth - header.clientWidth;
  });
  assert.ok(overflow <= 0, `the header does not overflow (${overflow} px)`);
  await page.screenshot({ path: join(ARTIFACTS, 'upload-confirmation.png') });

  await page.getByTestId('document').filter({ hasText: 'portrait' }).click();
  const heading = page.locator('main').getByText('portrait.png', { exact: true });
  await heading.waitFor();
  assert.doesNotMatch(await page.locator('main').innerText(), /quire-upload|[\\/]tmp[\\/]/);
  await page.getByText('← All documents').click();

  await done.getByRole('button', { name: 'Dismiss' }).click();
  await done.waitFor({ state: 'detached' });
  // The same file again: recognised by its content, named by its own name.
  await page.getByTestId('import-input').setInputFiles([portrait]);
  const skipped = page.getByTestId('import-skipped');
  await skipped.waitFor();
  assert.match(await skipped.innerText(), /portrait\.png: already in the project as document "portrait" \(from portrait\.png\)/);
  assert.equal(await done.count(), 0, 'nothing imported, nothing confirmed');
  await skipped.getByRole('button', { name: 'Dismiss' }).click();
  await skipped.waitFor({ state: 'detached' });
  await page.close();
});

test('a PAGE file uploaded without its image says to select or drop the image with the XML', async () => {
  const { app, browser } = fixture();
  const page = await browser.newPage();
  await page.goto(app.server.url);
  const xml = write(tempDir('quire-e2e-'), 'folio-9.xml', pageXml({ image: 'folio-9.jpg', width: 60, height: 40 }));
  await page.getByTestId('import-input').setInputFiles([xml]);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(
    await alert.innerText(),
    /folio-9\.xml: page image "folio-9\.jpg" was not uploaded: select or drop the image folio-9\.jpg together with the XML/,
  );
  assert.equal(await page.getByTestId('import-done').count(), 0);
  await page.close();
});
