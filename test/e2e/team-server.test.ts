// End to end in Chromium against `quire serve` (issue #21): the log-in form, a wrong
// password, signing in as a transcriber (the admin-only import is disabled with the reason),
// editing a line and seeing one's name in its history, signed out from another tab, and
// logging out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { serveTeam } from '../../main/app/team-server.ts';
import { ARTIFACTS, launchChromium } from '../helpers/chromium.ts';
import { newestHistoryRow, openFirstPage, retypeLine } from '../helpers/browser-app.ts';
import { teamPageProject } from '../helpers/page-fixture.ts';

let app: Awaited<ReturnType<typeof serveTeam>>;
let browser: Browser;

before(async () => {
  const dir = await teamPageProject();
  app = await serveTeam(dir, { port: 0, socketRecheckMs: 500 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

test('log in, edit a line, see the author in its history, log out', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(app.server.url);
  await page.getByTestId('login-name').fill('tom');
  await page.getByTestId('login-password').fill('wrong-password');
  await page.getByTestId('login-submit').click();
  assert.match(await page.getByTestId('login-error').innerText(), /wrong name or password/);

  await page.getByTestId('login-password').fill('tom-password');
  await page.getByTestId('login-submit').click();
  const account = page.getByTestId('account');
  await account.waitFor();
  assert.match(await account.innerText(), /Signed in as tom \(transcriber\) · Log out/);
  const importLabel = page.getByTestId('import-label');
  assert.equal(await importLabel.getAttribute('title'), 'Importing needs the admin role (you are a transcriber)');
  assert.equal(await page.getByTestId('import-input').isDisabled(), true);
  const projects = page.getByTestId('project-menu');
  assert.equal(await projects.isDisabled(), true, 'the server’s accounts stay in its project');
  assert.match((await projects.getAttribute('title'))!, /Opening another project works on the server's own files/);

  await openFirstPage(page);
  const field = page.getByTestId('line-text');
  await field.waitFor();
  await retypeLine(page, 'Witnesses: the widow Kemp');
  assert.match(await page.locator('.position').innerText(), /saved .* by tom/);
  const split = page.getByTestId('line-split');
  assert.equal(await split.isDisabled(), true, 'a transcriber does not move lines between dataset splits');
  assert.equal(await split.getAttribute('title'), 'Changing the dataset split needs the reviewer role (you are a transcriber)');
  await page.waitForFunction(() => (document.querySelector('[data-testid="line-image"]') as HTMLImageElement | null)?.naturalWidth);
  assert.match(await newestHistoryRow(page), /^Witnesses: the widow Kemp — tom, \d{4}-\d\d-\d\d \d\d:\d\d$/);
  await page.screenshot({ path: join(ARTIFACTS, 'team-server-history.png') });

  // Signed out in another tab (the same session): this one goes back to the log-in form by
  // itself, its event socket closed by the server, and asks no more.
  const other = await context.newPage();
  await other.goto(app.server.url);
  await other.getByTestId('log-out').click();
  await other.getByTestId('login-name').waitFor();
  await page.getByTestId('login-name').waitFor({ timeout: 10_000 });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.waitForTimeout(1500);
  assert.deepEqual(sockets, [], 'the log-in form opens no event socket');

  await page.getByTestId('login-name').fill('tom');
  await page.getByTestId('login-password').fill('tom-password');
  await page.getByTestId('login-submit').click();
  await account.waitFor();
  await page.getByTestId('log-out').click();
  await page.getByTestId('login-name').waitFor();
  const res = await page.evaluate(() => fetch('/api/projectInfo', { method: 'POST', body: '{}' }).then((r) => r.status));
  assert.equal(res, 401, 'the session is gone');
});
