// The desktop window's security settings (main/app/window-security.ts) as the Electron
// main process applies them: checked here against stand-ins for Electron's webContents and
// session (the smoke test checks the live window where the Electron binary is installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { DESKTOP_CSP, denyPermissions, lockContents, webPreferences } from '../../../main/app/window-security.ts';
import { rendererHandler } from '../../../main/transport/app-protocols.ts';
import { RENDERER_DIST } from '../../../main/app/browser-mode.ts';

test('the renderer is sandboxed and isolated, without Node, with web security', () => {
  const prefs = webPreferences('/app/preload.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.preload, '/app/preload.cjs');
});

test("the CSP allows only the app's own scripts: no eval, no inline script, no plugins", async () => {
  const directives = new Map(
    DESKTOP_CSP.split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.doesNotMatch(DESKTOP_CSP, /unsafe-eval|wasm-unsafe-eval/);
  // Every page the app scheme serves carries it.
  const response = await rendererHandler(RENDERER_DIST, DESKTOP_CSP)(new Request('quire-app://app/index.html'));
  assert.equal(response.headers.get('content-security-policy'), DESKTOP_CSP);
});

test('navigation, redirects, webviews and new windows are blocked', () => {
  const contents = Object.assign(new EventEmitter(), {
    openHandler: undefined as undefined | ((d: { url: string }) => { action: string }),
    setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }) {
      this.openHandler = h;
    },
  });
  lockContents(contents);
  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
    let prevented = false;
    contents.emit(
      event,
      {
        preventDefault: () => {
          prevented = true;
        },
      },
      'https://example.org/',
    );
    assert.ok(prevented, event);
  }
  assert.deepEqual(contents.openHandler?.({ url: 'https://example.org/' }), { action: 'deny' });
});

test('permission requests and checks are denied', () => {
  let request: ((c: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
  let check: (() => boolean) | undefined;
  denyPermissions({
    setPermissionRequestHandler: (h) => {
      request = h;
    },
    setPermissionCheckHandler: (h) => {
      check = h;
    },
  });
  for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
    let granted: boolean | undefined;
    request!(null, permission, (g) => {
      granted = g;
    });
    assert.equal(granted, false, permission);
  }
  assert.equal(check!(), false);
});

test('the Electron main process applies these settings to its window and session', () => {
  // A wiring check of the source; the smoke test reads the live window's settings.
  const main = readFileSync(new URL('../../../main/app/electron-main.ts', import.meta.url), 'utf8');
  assert.match(main, /webPreferences: webPreferences\(/);
  assert.match(main, /denyPermissions\(session\.defaultSession\)/);
  assert.match(main, /app\.on\('web-contents-created', \(_event, contents\) => lockContents\(contents\)\)/);
  assert.match(main, /rendererHandler\(RENDERER_DIST, DESKTOP_CSP\)/);
});
