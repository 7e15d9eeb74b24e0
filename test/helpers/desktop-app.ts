// The desktop app without the Electron binary: the built renderer runs in Chromium with
// the compiled preload (build/main/preload.cjs) injected, its `require('electron')`
// answered by a thin stand-in for Electron's IPC. Every call goes through the very same
// channel table (main/transport/ipc-handlers.ts) and project host as in Electron's main
// process, events through the same emit function, quire-app:/quire-image: requests
// through the same protocol handlers. Only the native parts are stubbed, at the
// boundary: open dialogs answer what the test queued, and a dropped file's path is the
// one the test gave it (Chromium exposes none).
import { after, before } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import type { QuireEvent } from '../../shared/api.ts';
import { IPC } from '../../shared/bridge.ts';
import { ProjectHost } from '../../main/app/project-host.ts';
import { RENDERER_DIST } from '../../main/app/browser-mode.ts';
import { DESKTOP_CSP } from '../../main/app/window-security.ts';
import { Project } from '../../main/project/project.ts';
import { lineImagePng } from '../../main/project/line-images.ts';
import { imageHandler, rendererHandler, type FetchHandler } from '../../main/transport/app-protocols.ts';
import { channelTable, createIpcHandlers, type OpenDialogOptions } from '../../main/transport/ipc-handlers.ts';
import { launchChromium } from './chromium.ts';
import { PRELOAD } from './cli.ts';
import { tempDir } from './project.ts';

/** Chromium cannot load a page from a custom scheme; the app's files come from this origin, through the quire-app: handler. */
export const TEST_APP_ORIGIN = 'http://app.quire.test';

export class StubDialogs {
  readonly shown: OpenDialogOptions[] = [];
  private answers: string[][] = [];
  /** The paths the next dialog returns (an empty list: cancelled). */
  answer(paths: string[]): void {
    this.answers.push(paths);
  }
  async showOpen(options: OpenDialogOptions): Promise<string[]> {
    this.shown.push(options);
    const next = this.answers.shift();
    if (!next) throw new Error(`a dialog was shown that the test did not expect: ${options.title}`);
    return next;
  }
}

export interface DesktopWindow {
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** quire-image: URLs the page requested, with the status the handler answered. */
  images: Array<{ url: string; status: number }>;
  /** Events handed to the page's event channel. */
  delivered: QuireEvent[];
  /** Paths the stubbed webUtils.getPathForFile returns, by file name. */
  dropPaths(paths: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface DesktopApp {
  host: ProjectHost;
  dialogs: StubDialogs;
  open(): Promise<DesktopWindow>;
}

async function fulfill(route: Route, handler: FetchHandler): Promise<number> {
  const request = route.request();
  const response = await handler(new Request(request.url(), { method: request.method() }));
  await route.fulfill({
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: Buffer.from(await response.arrayBuffer()),
  });
  return response.status;
}

/** Runs the compiled preload with `require('electron')` answered by the stand-in. */
function preloadScript(): string {
  return `(() => {
  const listeners = new Map();
  window.__quireDeliver = (channel, payload) => { for (const l of listeners.get(channel) ?? []) l({}, payload); };
  window.__quireDropPaths = {};
  const electron = {
    contextBridge: { exposeInMainWorld: (key, value) => Object.defineProperty(window, key, { value: Object.freeze(value) }) },
    ipcRenderer: {
      invoke: (channel, ...args) => window.__quireInvoke(channel, args),
      on: (channel, listener) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(listener); },
      removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
    },
    webUtils: { getPathForFile: (file) => window.__quireDropPaths[file.name] ?? '' },
  };
  const require = (name) => { if (name !== 'electron') throw new Error('a sandboxed preload can require only electron, not ' + name); return electron; };
  const module = { exports: {} };
  (function (require, module, exports) {
${readFileSync(PRELOAD, 'utf8')}
  })(require, module, module.exports);
})();`;
}

export function useDesktopApp(prepare?: (project: Project) => Promise<void>): () => DesktopApp {
  let state: DesktopApp | undefined;
  let browser: Browser;
  let host: ProjectHost;
  // The app's emit: Electron sends each event to the window's webContents; here, to each page.
  const windows = new Set<DesktopWindow>();
  const emit = (event: QuireEvent) => {
    for (const win of windows) {
      win.page
        .evaluate(([c, e]) => (window as unknown as { __quireDeliver(c: string, e: unknown): void }).__quireDeliver(c, e), [
          IPC.event,
          event,
        ] as const)
        .then(
          () => win.delivered.push(event),
          () => {},
        );
    }
  };
  before(async () => {
    const dir = join(tempDir('quire-desktop-'), 'project');
    const project = Project.init(dir);
    try {
      await prepare?.(project);
    } finally {
      project.close();
    }
    host = new ProjectHost(dir, emit);
    const dialogs = new StubDialogs();
    const table = channelTable(createIpcHandlers(host.dispatcher(), dialogs));
    const app = rendererHandler(RENDERER_DIST, DESKTOP_CSP);
    const images = imageHandler({ images: () => host.project.images, lineImage: (id, key) => lineImagePng(host.project, id, key) });
    browser = await launchChromium();
    state = {
      host,
      dialogs,
      async open() {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        const win: DesktopWindow = {
          page: undefined as unknown as Page,
          errors: [],
          images: [],
          delivered: [],
          dropPaths: (paths) =>
            win.page.evaluate((p) => {
              Object.assign((window as unknown as { __quireDropPaths: object }).__quireDropPaths, p);
            }, paths),
          async close() {
            windows.delete(win);
            await context.close();
          },
        };
        await context.route(`${TEST_APP_ORIGIN}/**`, (route) => fulfill(route, app).then(() => {}));
        await context.route(/^quire-image:/, async (route) => {
          win.images.push({ url: route.request().url(), status: await fulfill(route, images) });
        });
        // ipcRenderer.invoke → the table ipcMain.handle serves in the app.
        await context.exposeBinding('__quireInvoke', (_source, channel: string, args: unknown[]) => {
          const handler = table[channel];
          if (!handler) throw new Error(`No handler registered for '${channel}'`);
          return handler(...args);
        });
        await context.addInitScript({ content: preloadScript() });
        win.page = await context.newPage();
        windows.add(win);
        win.page.on('console', (m) => {
          if (m.type() === 'error') win.errors.push(m.text());
        });
        win.page.on('pageerror', (e) => win.errors.push(e.message));
        await win.page.goto(`${TEST_APP_ORIGIN}/index.html`);
        return win;
      },
    };
  });
  after(async () => {
    await browser?.close();
    await host?.close();
  });
  return () => state!;
}
