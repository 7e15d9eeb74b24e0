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

/** Screen position of a page-pixel point on the page canvas (the canvas says its scale and offset). */
export async function canvasPoint(page: Page): Promise<(x: number, y: number) => readonly [number, number]> {
  const canvas = page.getByTestId('page-canvas');
  const box = (await canvas.boundingBox())!;
  const view = await canvas.evaluate((el) => ({ scale: Number(el.dataset.scale), x: Number(el.dataset.x), y: Number(el.dataset.y) }));
  return (x, y) => [box.x + view.x + x * view.scale, box.y + view.y + y * view.scale] as const;
}

/** After an edit the text field takes the keyboard again (a moment later); Esc hands it to the line tools. */
export async function handKeysToLineTools(page: Page): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') !== 'line-text');
}
