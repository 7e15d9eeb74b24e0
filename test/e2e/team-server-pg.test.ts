// End to end in Chromium against `quire serve --database URL --files DIR` (issue #21): a
// project moved to a real PostgreSQL server store (skipped where it is not installed) is
// served behind the log-in form; a transcriber opens a page (its line crops come from the
// shared folder), saves a line, sees the save and its history under their name, and finds it
// with search (accents folded, the match marked), all answered by PostgreSQL; the Undo button
// offers that save to the transcriber alone (another account signed in at the same time sees
// nothing to undo), and undoing it brings the line's former text back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { serveTeam } from '../../main/app/team-server.ts';
import { moveProject } from '../../main/project/move-project.ts';
import { ARTIFACTS, launchChromium } from '../helpers/chromium.ts';
import { newestHistoryRow, openFirstPage, retypeLine } from '../helpers/browser-app.ts';
import { teamPageProject } from '../helpers/page-fixture.ts';
import { postgresForThisFile, postgresMissing } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/project.ts';

const database = postgresForThisFile();
const skip = postgresMissing;
let app: Awaited<ReturnType<typeof serveTeam>> | undefined;
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  const dir = await teamPageProject();
  const url = await database({ locale: 'C.UTF-8' });
  const files = join(tempDir('quire-e2e-'), 'files');
  await moveProject({ from: dir, to: url, files });
  app = await serveTeam({ database: url, files }, { port: 0 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

/** A page of its own (own cookies) signed in as `name`. */
async function signedIn(name: string) {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(app!.server.url);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(`${name}-password`);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('account').waitFor();
  return page;
}

test('on the PostgreSQL store: log in, save a line, see its author and history, find it, undo it', { skip }, async () => {
  const page = await signedIn('tom');
  assert.match(await page.getByTestId('account').innerText(), /Signed in as tom \(transcriber\)/);
  // Another account on the same page at the same time.
  const other = await signedIn('ada');
  await openFirstPage(other);

  await openFirstPage(page);
  await page.getByTestId('line-text').waitFor();
  const former = await page.getByTestId('line-text').inputValue();
  await page.waitForFunction(() => (document.querySelector('[data-testid="line-image"]') as HTMLImageElement | null)?.naturalWidth);
  await retypeLine(page, 'Témoins : la veuve Kemp');
  assert.match(await page.locator('.position').innerText(), /saved .* by tom/);
  assert.match(await newestHistoryRow(page), /^Témoins : la veuve Kemp — tom, \d{4}-\d\d-\d\d \d\d:\d\d$/);

  await page.getByTestId('search').fill('temoin kem');
  await page.keyboard.press('Enter');
  const hits = page.getByTestId('search-results');
  await hits.waitFor();
  assert.deepEqual(await hits.locator('mark').allInnerTexts(), ['Témoins', 'Kemp']);
  await page.screenshot({ path: join(ARTIFACTS, 'team-server-pg.png') });

  // Undo is each account's own: tom's save is his to undo, not ada's.
  assert.match((await page.getByTestId('undo').getAttribute('title'))!, /^Undo text of line \d+ \(Ctrl\+Z\)$/);
  await page.waitForTimeout(300);
  assert.equal(await other.getByTestId('undo').getAttribute('title'), 'Nothing to undo (Ctrl+Z)');
  assert.equal(await other.getByTestId('undo').isDisabled(), true);
  await page.getByTestId('undo').click();
  await page
    .getByTestId('page-status')
    .getByText(/Undone: text of line \d+/)
    .waitFor();
  await page.waitForFunction(
    (text) => (document.querySelector('[data-testid="line-text"]') as HTMLTextAreaElement | null)?.value === text,
    former,
  );
  assert.equal(await other.getByTestId('undo').isDisabled(), true, 'still nothing for ada');
});
