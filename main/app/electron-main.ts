// The Electron main process: one window per project, the renderer sandboxed (no Node,
// context isolation, strict CSP), the service table reached only through the preload
// bridge's single IPC channel, and project images through the quire-image: protocol.
import { app, BrowserWindow, ipcMain, protocol, net, session } from 'electron';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { isMethod, parseRequest, type QuireEvent } from '../../shared/api.ts';
import { ProjectHost } from './project-host.ts';
import { lineImagePng } from '../project/line-images.ts';
import { ensurePreview } from '../images/preview.ts';
import { RENDERER_DIST } from './browser-mode.ts';
import { ensureSampleProject } from './sample-project.ts';
import type { Variant } from '../store/image-store.ts';

protocol.registerSchemesAsPrivileged([{ scheme: 'quire-image', privileges: { standard: true, secure: true } }]);

const CSP = "default-src 'self'; img-src 'self' quire-image: data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'";

async function main() {
  await app.whenReady();
  const dir = process.argv[process.argv.length - 1]?.endsWith('.cjs') ? await ensureSampleProject() : process.argv[process.argv.length - 1];
  const windows = new Set<BrowserWindow>();
  const emit = (event: QuireEvent) => windows.forEach((w) => w.webContents.send('quire:event', event));
  const host = new ProjectHost(dir, emit);
  const api = host.api();

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  protocol.handle('quire-image', async (request) => {
    const url = new URL(request.url);
    if (url.hostname === 'line') return new Response(new Uint8Array(await lineImagePng(host.project, Number(url.pathname.slice(1)))), { headers: { 'Content-Type': 'image/png' } });
    const variant = url.pathname.slice(1) as Variant;
    const images = host.project.images;
    const file = variant === 'preview' ? await ensurePreview(images, url.hostname) : images.path(url.hostname, variant);
    return net.fetch(pathToFileURL(file).toString());
  });
  ipcMain.handle('quire:call', async (_event, method: string, request: unknown) => {
    try {
      if (!isMethod(method)) throw new Error(`no API method ${method}`);
      const handler = api[method] as (r: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parseRequest(method, request)) };
    } catch (error) {
      return { ok: false, error: { name: (error as Error).name, message: (error as Error).message } };
    }
  });

  const win = new BrowserWindow({
    width: 1400, height: 900, title: `Quire — ${host.project.name}`,
    webPreferences: {
      preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
      contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true,
    },
  });
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  await win.loadFile(`${RENDERER_DIST}index.html`);
  app.on('window-all-closed', async () => { await host.close(); app.quit(); });
}

main().catch((error) => { console.error(error); app.exit(1); });
