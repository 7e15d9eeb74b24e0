// The desktop window's security settings in one place (Electron's security checklist):
// the renderer runs sandboxed without Node, isolated from the preload, under a CSP without
// 'unsafe-eval'; it cannot navigate away from the app or open windows, and every
// permission request (camera, notifications, …) is denied. Written against structural
// types so that tests check it without the Electron binary.
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self' quire-image: data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function webPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

interface PreventableEvent {
  preventDefault(): void;
}

export interface ContentsLike {
  on(event: string, listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface SessionLike {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
}

/** The window shows the app and nothing else: links and redirects go nowhere, no pop-ups, no <webview>. */
export function lockContents(contents: ContentsLike): void {
  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview'] as const) contents.on(event, (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function denyPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
