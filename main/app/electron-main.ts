// The Electron main process: one window on a project, the renderer sandboxed (window-
// security.ts) and served from the quire-app: scheme, project images from quire-image:,
// and the service table reached only through the preload bridge's IPC channels
// (ipc-handlers.ts, the same table the desktop tests drive). Compiled to
// build/main/electron-main.mjs, which package.json names as the app's entry.
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type IpcMainInvokeEvent } from 'electron';
import { fileURLToPath } from 'node:url';
import type { QuireEvent } from '../../shared/api.ts';
import { IPC } from '../../shared/bridge.ts';
import { ProjectHost } from './project-host.ts';
import { lineImagePng } from '../project/line-images.ts';
import { RENDERER_DIST } from './browser-mode.ts';
import { ensureSampleProject } from './sample-project.ts';
import { APP_SCHEME, APP_URL, IMAGE_SCHEME, imageHandler, rendererHandler } from '../transport/app-protocols.ts';
import { channelTable, createIpcHandlers, type NativeDialogs } from '../transport/ipc-handlers.ts';
import { DESKTOP_CSP, denyPermissions, lockContents, webPreferences } from './window-security.ts';

protocol.registerSchemesAsPrivileged([
  // The renderer's module scripts are fetched in CORS mode (Vite marks them crossorigin).
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true } },
]);

/** The project folder from the command line (`quire-app DIR`, `electron . DIR`); the sample project without one. */
async function projectDir(): Promise<string> {
  // Chromium and Node switches (--inspect, --remote-debugging-port, …) may come first.
  const args = process.argv.slice(1).filter((a) => !a.startsWith('-'));
  // Run as `electron APP_DIR …`, the first argument is the app itself.
  if (process.defaultApp) args.shift();
  return args[0] ?? (await ensureSampleProject());
}

async function main() {
  await app.whenReady();
  let win: BrowserWindow | undefined;
  const emit = (event: QuireEvent) => {
    win?.webContents.send(IPC.event, event);
    if (event.type === 'project-changed') win?.setTitle(`Quire — ${host.project.name}`);
  };
  const host = new ProjectHost(await projectDir(), emit);

  denyPermissions(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => lockContents(contents));
  protocol.handle(APP_SCHEME, rendererHandler(RENDERER_DIST, DESKTOP_CSP));
  protocol.handle(
    IMAGE_SCHEME,
    imageHandler({ images: () => host.project.images, lineImage: (id, key) => lineImagePng(host.project, id, key) }),
  );

  const dialogs: NativeDialogs = {
    async showOpen(options) {
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
  };
  // Only the app's own page may call in (not a frame that got loaded from elsewhere).
  const fromApp = (event: IpcMainInvokeEvent) => event.senderFrame?.url.startsWith(`${APP_SCHEME}://app/`) === true;
  for (const [channel, handler] of Object.entries(channelTable(createIpcHandlers(host.dispatcher(), dialogs)))) {
    ipcMain.handle(channel, (event, ...args) => {
      if (!fromApp(event)) throw new Error('IPC from outside the app refused');
      return handler(...args);
    });
  }

  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: `Quire — ${host.project.name}`,
    show: false,
    webPreferences: webPreferences(fileURLToPath(new URL('./preload.cjs', import.meta.url))),
  });
  win.once('ready-to-show', () => win?.show());
  // The page refuses to unload while line text is on its way or failed to save (the
  // transcription panel's beforeunload). Electron would then silently keep the window open:
  // ask, as a browser does. Leaving keeps the typing as a draft for the next time.
  win.webContents.on('will-prevent-unload', (event) => {
    const leave = win
      ? dialog.showMessageBoxSync(win, {
          type: 'question',
          buttons: ['Stay', 'Close anyway'],
          defaultId: 0,
          cancelId: 0,
          message: 'Line text has not reached the project yet.',
          detail:
            'It is being saved, or its save failed. Closing now keeps it only as a draft in this window, shown again when you reopen the line.',
        }) === 1
      : true;
    if (leave) event.preventDefault();
  });
  win.on('closed', () => {
    win = undefined;
  });
  app.on('window-all-closed', async () => {
    await host.close();
    app.quit();
  });
  await win.loadURL(APP_URL);
}

main().catch((error) => {
  console.error(error);
  app.exit(1);
});
