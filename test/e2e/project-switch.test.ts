// End to end, two windows on one app (browser mode: two tabs on one server) when one of
// them opens another project: the other window's saves must never reach the new project's
// lines (line ids repeat across projects), its typed text stays a draft of its own project,
// and it is taken to the new project's documents with a word of why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Project } from '../../main/project/project.ts';
import { openPageScreen, useBrowserApp } from '../helpers/browser-app.ts';
import { tempDir } from '../helpers/project.ts';
import { addSynthPages } from '../helpers/synth-project.ts';

const fixture = useBrowserApp(async (project) => {
  await addSynthPages(project, [61], { lines: 3 });
});

const texts = (project: Project) =>
  project.db.prepare('SELECT l.id, ct.text FROM lines l LEFT JOIN current_transcriptions ct ON ct.line_id = l.id ORDER BY l.id').all();

/** Project B, with the same line ids as A's. */
async function otherProject(name: string) {
  const dir = join(tempDir('quire-e2e-'), name);
  const other = Project.init(dir);
  await addSynthPages(other, [62], { lines: 3 });
  const before = texts(other);
  other.close();
  return { dir, before };
}

async function openFrom(tab: Page, dir: string, name: string) {
  await tab.getByTestId('project-menu').click();
  await tab.getByTestId('project-path').fill(dir);
  await tab.getByTestId('project-open').click();
  await tab.getByTestId('project-menu').getByText(name).waitFor();
}

const draftsOf = (tab: Page) => tab.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('quire.draft.')));

test('a window that misses the switch: its save is refused, nothing of project B changes, and the text stays a draft of A', async () => {
  const { app, browser } = fixture();
  const first = app.project.root;
  const { dir, before } = await otherProject('other-parish');
  const tab1 = await openPageScreen(fixture());
  // Tab 1 hears no event from here on (as while its event socket reconnects).
  let deaf = false;
  await tab1.routeWebSocket(/\/events/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      if (!deaf) ws.send(m);
    });
  });
  await tab1.reload();
  await tab1.getByTestId('line-text').waitFor();
  deaf = true;
  const tab2 = await browser.newPage();
  await tab2.goto(app.server.url);
  await openFrom(tab2, dir, 'other-parish');

  // Tab 1 still shows A's page: it types on the line and saves.
  await tab1.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await tab1.keyboard.type('meant for A');
  await tab1.keyboard.press('Enter');
  // The refusal takes it to B's documents, told why.
  await tab1.getByTestId('project-menu').getByText('other-parish').waitFor();
  await tab1
    .getByRole('status')
    .getByText(/Another window opened the project “other-parish”/)
    .waitFor();
  assert.equal(await tab1.getByTestId('line-text').count(), 0, 'the page of project A is closed');

  assert.equal(app.project.root, dir);
  assert.deepEqual(texts(app.project), before, 'no line of project B changed');
  assert.deepEqual(
    (await draftsOf(tab1)).map(([k, v]) => [k.startsWith(`quire.draft.${first}.`), v]),
    [[true, 'meant for A']],
  );
  // Back to A for the next test.
  await openFrom(tab2, first, 'project');
  await tab1.close();
  await tab2.close();
});

test('a window that hears of the switch leaves the page of the project that closed, keeping what was typed as its draft', async () => {
  const { app, browser } = fixture();
  const first = app.project.root;
  const { dir, before } = await otherProject('third-parish');
  const tab1 = await openPageScreen(fixture());
  // Drafts of project B's lines of the same ids, typed in this browser earlier: left as they are.
  const bDrafts = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`quire.draft.${dir}.${i + 1}`, `B's draft ${i + 1}`]));
  await tab1.evaluate((d) => Object.entries(d).forEach(([k, v]) => localStorage.setItem(k, v)), bDrafts);
  await tab1.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await tab1.keyboard.type('typed, not saved');
  const tab2 = await browser.newPage();
  await tab2.goto(app.server.url);
  await openFrom(tab2, dir, 'third-parish');
  await tab1.getByTestId('project-menu').getByText('third-parish').waitFor();
  await tab1
    .getByRole('status')
    .getByText(/Another window opened the project “third-parish”/)
    .waitFor();
  assert.equal(await tab1.getByTestId('line-text').count(), 0);
  assert.deepEqual(texts(app.project), before);
  assert.deepEqual(
    (await draftsOf(tab1)).filter(([k]) => k.startsWith(`quire.draft.${first}.`)).map(([, v]) => v),
    ['typed, not saved'],
  );
  assert.deepEqual(Object.fromEntries((await draftsOf(tab1)).filter(([k]) => k.startsWith(`quire.draft.${dir}.`))), bDrafts);
  // The window that switched itself is not told that another one did.
  assert.equal(await tab2.getByText(/Another window opened/).count(), 0);
  await tab1.close();
  await tab2.close();
});

test('a line saved in another window shows in this one (its text, not the stale reading), keeping the keyboard where it is', async () => {
  const tab1 = await openPageScreen(fixture());
  const tab2 = await openPageScreen(fixture());
  const field1 = tab1.getByTestId('line-text');
  const label = await field1.getAttribute('aria-label');
  // Tab 1's keyboard is in the search box; tab 2 saves the line tab 1 shows.
  await tab1.getByTestId('search').focus();
  await tab2.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  assert.equal(await tab2.getByTestId('line-text').getAttribute('aria-label'), label);
  await tab2.keyboard.press('Control+A');
  await tab2.keyboard.type('saved in the other window');
  await tab2.keyboard.press('Enter');
  await tab1.waitForFunction(
    () => document.querySelector('[data-testid="line-text"]')?.getAttribute('data-saved') === 'saved in the other window',
    null,
    { timeout: 5000 },
  );
  assert.equal(await field1.inputValue(), 'saved in the other window');
  await tab1.waitForTimeout(200);
  assert.equal(
    await tab1.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'search',
    'the keyboard stayed in the search box',
  );
  await tab1.close();
  await tab2.close();
});
