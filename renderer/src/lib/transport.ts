// Chooses how the renderer reaches the services: Electron's preload bridge when present,
// otherwise the local HTTP server that served this page (browser mode).
import { createClient, RemoteError, type QuireClient, type Transport } from '../../../shared/client.ts';
import type { QuireEvent } from '../../../shared/api.ts';
import type { DesktopBridge } from '../../../shared/bridge.ts';
import type { ExportDownload } from '../../../shared/workbench-api.ts';
import type { ScanLevel } from '../../../shared/image-levels.ts';
import { AUTH_PATHS } from '../../../shared/session-api.ts';
import { projectKey } from './current-project.ts';

declare global {
  interface Window {
    quire?: DesktopBridge;
  }
}

/** The desktop app's bridge (native dialogs, paths of dropped files); null in browser mode. */
export const desktop: DesktopBridge | null = window.quire ?? null;

function ipcTransport(bridge: DesktopBridge): Transport {
  return {
    async call(method, request) {
      const r = await bridge.call(method, request, projectKey() || undefined);
      if (!r.ok) throw new RemoteError(r.error.name, r.error.message);
      return r.value;
    },
    subscribe: (listener) => bridge.onEvent(listener),
  };
}

/**
 * Browser mode's per-launch token. It arrives in the printed URL (?token=) and is kept in
 * sessionStorage, which belongs to this tab and this server's origin (port included).
 * It is sent as a header (or, where a browser cannot
 * send headers: images and the event socket, as ?token=); never as a cookie, which the
 * browser would also send to other servers on 127.0.0.1.
 */
function launchToken(): string {
  if (window.quire) return '';
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given) {
    sessionStorage.setItem('quire-token', given);
  }
  return sessionStorage.getItem('quire-token') ?? '';
}

const token = launchToken();

/**
 * Whether this window is the project owner's: the desktop app, or browser mode opened with
 * its launch token. Otherwise the page came from a team server, which signs accounts in.
 */
export const ownerWindow = !!window.quire || token !== '';

/** A team server's session ended (expired, signed out elsewhere): back to the log-in form. */
function sessionEnded(status: number): void {
  if (status === 401 && !ownerWindow) location.reload();
}
/** The token, and the project this window shows: the server refuses a call, upload or export when another is open now. */
const ownHeaders = (): Record<string, string> => ({
  'x-quire-token': token,
  ...(projectKey() ? { 'x-quire-project': encodeURIComponent(projectKey()) } : {}),
});
const withToken = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;

/** Waits before the event socket is opened again: doubled after each failure, back to the first once open. */
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

function httpTransport(): Transport {
  const listeners = new Set<(e: QuireEvent) => void>();
  let socket: WebSocket | undefined;
  let retryMs = FIRST_RETRY_MS;
  const connect = () => {
    // wss: behind a team server's TLS proxy.
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${withToken('/events')}`);
    socket.onopen = () => (retryMs = FIRST_RETRY_MS);
    socket.onmessage = (m) => listeners.forEach((l) => l(JSON.parse(m.data)));
    socket.onclose = () => {
      // A team server closes the socket of a session that ended (signed out elsewhere,
      // expired) and refuses it again: back to the log-in form, not a refused reconnect
      // forever. A server gone (npm start stopped) is asked less and less often.
      if (!ownerWindow)
        void fetch(AUTH_PATHS.session).then(
          (r) => sessionEnded(r.status),
          () => {},
        );
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    };
  };
  return {
    async call(method, request) {
      const res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...ownHeaders() },
        body: JSON.stringify(request),
      });
      const body = await res.json();
      sessionEnded(res.status);
      if (!res.ok) throw new RemoteError(body.name ?? 'Error', body.message ?? res.statusText);
      return body;
    },
    subscribe(listener) {
      if (!socket) connect();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * A call refused because another window opened another project meanwhile tells this
 * window's listeners so, as the project-changed event would (which may arrive later, or
 * not at all while the event socket reconnects): the window then shows the open project.
 */
function noticingSwitches(inner: Transport): Transport {
  const listeners = new Set<(e: QuireEvent) => void>();
  return {
    async call(method, request) {
      try {
        return await inner.call(method, request);
      } catch (error) {
        if (error instanceof RemoteError && error.name === 'ProjectChanged') listeners.forEach((l) => l({ type: 'project-changed' }));
        throw error;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      const stop = inner.subscribe(listener);
      return () => {
        listeners.delete(listener);
        stop();
      };
    },
  };
}

export const api: QuireClient = createClient(noticingSwitches(window.quire ? ipcTransport(window.quire) : httpTransport()));

/**
 * Uploads files chosen in the browser (browser mode has no file paths). With `batch`, the
 * file is only staged; `finishUpload(batch)` then imports the staged files together, so a
 * PAGE or ALTO file finds the image it names.
 */
export async function uploadFile(file: File, batch?: string): Promise<import('../../../shared/api.ts').ImportReport | { staged: string }> {
  if (window.quire) throw new Error('uploads are for browser mode; the desktop app imports by path');
  const query = `name=${encodeURIComponent(file.name)}${batch ? `&batch=${batch}` : ''}`;
  return postUpload(`/upload?${query}`, file);
}

export const finishUpload = (batch: string) =>
  postUpload(`/upload?batch=${batch}&done=1`) as Promise<import('../../../shared/api.ts').ImportReport>;

async function postUpload(url: string, body?: File) {
  const res = await fetch(url, { method: 'POST', headers: ownHeaders(), body });
  const json = await res.json();
  if (!res.ok) throw new RemoteError(json.name ?? 'Error', json.message ?? res.statusText);
  return json;
}

/**
 * Browser mode's export: the server answers a zip, which is handed to the browser as a
 * download (the page cannot write a folder). Errors come back as the service's messages.
 */
export async function downloadExport(request: ExportDownload): Promise<{ name: string; files: number }> {
  if (window.quire) throw new Error('the desktop app exports into a folder');
  const res = await fetch('/export', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...ownHeaders() },
    body: JSON.stringify(request),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new RemoteError(body.name ?? 'Error', body.message ?? res.statusText);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : 'quire-export.zip';
  const url = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { name, files: Number(res.headers.get('x-quire-files') ?? 0) };
}

/** Browser mode serves images over HTTP; the desktop app through its quire-image: protocol. */
export const imageUrl = (hash: string, variant: 'gray' | 'thumb' | ScanLevel) =>
  window.quire ? `quire-image://${hash}/${variant}` : withToken(`/images/${hash}/${variant}`);

/**
 * A line's crop, named by its crop key as well as its id: the URL changes with the line's
 * shape and page, so the browser never shows a crop it kept from an earlier shape or from
 * another project's line of the same id (images are reused by URL within a page's life).
 */
export const lineImageUrl = (lineId: number, cropKey: string) =>
  window.quire ? `quire-image://line/${lineId}?crop=${cropKey}` : withToken(`/line-image/${lineId}?crop=${cropKey}`);
