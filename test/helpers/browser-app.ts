// The end-to-end tests' fixture: a project served in browser mode and Debian's Chromium,
// started before a file's tests and closed after them.
import { after, before } from 'node:test';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serveProject } from '../../main/app/browser-mode.ts';
import { Project } from '../../main/project/project.ts';
import { launchChromium } from './chromium.ts';
import { tempDir } from './project.ts';

export interface BrowserApp {
  app: Awaited<ReturnType<typeof serveProject>>;
  browser: Browser;
}

/** `prepare` may fill the new project (opened for it) before it is served. */
export function useBrowserApp(prepare?: (project: Project) => Promise<void>): () => BrowserApp {
  let state: BrowserApp | undefined;
  before(async () => {
    const dir = join(tempDir('quire-e2e-'), 'project');
    const project = Project.init(dir);
    try {
      await prepare?.(project);
    } finally {
      project.close();
    }
    state = { app: await serveProject(dir), browser: await launchChromium() };
  });
  after(async () => {
    await state?.browser.close();
    await state?.app.close();
  });
  return () => state!;
}

/** From the document list, opens the first page of the first document. */
export async function openFirstPage(page: Page): Promise<void> {
  await page.getByTestId('document').first().click();
  await page.getByTestId('page').first().click();
}

/** A new browser page on the app, showing the first page of the first document once its text field is there. */
export async function openPageScreen({ app, browser }: BrowserApp, viewport = { width: 1400, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(app.server.url);
  await openFirstPage(page);
  await page.getByTestId('line-text').waitFor();
  return page;
}

/** Types `text` over the focused line's text, saves it with Enter, comes back, and waits until it is saved. */
export async function retypeLine(page: Page, text: string): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((saved) => document.querySelector('[data-testid="line-text"]')?.getAttribute('data-saved') === saved, text);
}

/** The newest row of the open line's history, opening the history. */
export async function newestHistoryRow(page: Page): Promise<string> {
  const history = page.getByTestId('line-history');
  await history.locator('summary').click();
  const rows = history.getByTestId('history-row');
  await rows.first().waitFor();
  return rows.first().innerText();
}
