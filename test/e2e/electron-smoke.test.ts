// The real Electron app, where its binary is installed (`npm run electron:fetch`, which
// needs network access; on Linux also a display, e.g. under xvfb-run): the window opens
// on the sample project with its security settings in force, a file imports by path
// through the native-dialog code path, and closing the window quits the app cleanly.
// Elsewhere the test is skipped and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { png } from '../helpers/images.ts';
import { tempDir } from '../helpers/project.ts';
import { ELECTRON_MAIN } from '../helpers/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function electronBinary(): { path: string } | { skip: string } {
  try {
    // The electron package exports its binary's path, and throws when it was never downloaded.
    const path = createRequire(import.meta.url)('electron') as string;
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
      return { skip: 'the Electron binary is installed, but there is no display: run the tests under xvfb-run' };
    return { path };
  } catch {
    return { skip: 'the Electron binary is not installed; `npm run electron:fetch` downloads it (needs network access)' };
  }
}

const electron = electronBinary();

test(
  'Electron: the window opens on the sample project, a file imports by path, and the app quits cleanly',
  { skip: 'skip' in electron ? electron.skip : false, timeout: 180_000 },
  async () => {
    if (!('path' in electron)) return;
    assert.ok(ELECTRON_MAIN.endsWith('build/main/electron-main.mjs'));
    const data = tempDir('quire-electron-');
    const app = await _electron.launch({
      executablePath: electron.path,
      args: [ROOT],
      env: { ...process.env, QUIRE_DATA_DIR: data },
      timeout: 120_000,
    });
    const exited = new Promise<number | null>((ok) => app.process().once('exit', (code) => ok(code)));
    try {
      const page = await app.firstWindow();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.getByTestId('project-menu').getByText('sample-project').waitFor({ timeout: 120_000 });
      assert.match(page.url(), /^quire-app:\/\/app\//);
      // No Node in the page (nodeIntegration off, the preload isolated and sandboxed): only the bridge.
      const page_ = await page.evaluate(() => ({
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        bridge: Object.keys(window.quire ?? {}).sort(),
      }));
      assert.deepEqual(page_, { require: 'undefined', process: 'undefined', bridge: ['call', 'choose', 'onEvent', 'pathForFile'] });
      // Navigation away from the app is refused.
      await page
        .evaluate(() => {
          location.href = 'https://example.org/';
        })
        .catch(() => {});
      await page.waitForTimeout(500);
      assert.match(page.url(), /^quire-app:\/\/app\//);

      // The native dialog answers with one new scan; the import goes by its path.
      const scan = join(data, 'smoke-scan.png');
      writeFileSync(scan, await png(640, 480, '#e8dcc0'));
      await app.evaluate(({ dialog }, file) => {
        dialog.showOpenDialog = async () => ({ canceled: false, filePaths: [file] });
      }, scan);
      const before = await page.getByTestId('document').count();
      await page.getByTestId('import-files').click();
      await page.getByTestId('document').filter({ hasText: 'smoke-scan' }).waitFor();
      assert.equal(await page.getByTestId('document').count(), before + 1);
      assert.deepEqual(errors, []);

      // Closing the last window quits: the project is closed and the process ends with 0.
      app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].close()).catch(() => {});
      assert.equal(await exited, 0);
    } finally {
      await app.close().catch(() => {});
    }
  },
);
