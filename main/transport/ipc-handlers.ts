// What the desktop app's main process answers on each IPC channel, without Electron: the
// Electron main process registers this table with ipcMain, and the desktop tests drive
// the renderer in Chromium through the very same table. Calls go through the one dispatcher
// (main/api/dispatch.ts) that browser mode's HTTP routes and the CLI use, and the native
// dialogs are reached through `NativeDialogs`, which Electron's dialog module implements.
import type { Dispatcher } from '../api/dispatch.ts';
import { DIALOG_KINDS, IPC, type CallResult, type DialogKind } from '../../shared/bridge.ts';
import { LAYOUT_EXTENSIONS } from '../../shared/import-formats.ts';

/** The subset of Electron's OpenDialogOptions Quire uses. */
export interface OpenDialogOptions {
  title: string;
  buttonLabel: string;
  properties: Array<'openFile' | 'openDirectory' | 'multiSelections' | 'createDirectory' | 'promptToCreate'>;
  filters?: Array<{ name: string; extensions: string[] }>;
}

export interface NativeDialogs {
  /** The chosen paths; none when the dialog was cancelled. */
  showOpen(options: OpenDialogOptions): Promise<string[]>;
}

const SCANS = {
  name: 'Scans and PAGE/ALTO',
  extensions: ['tif', 'tiff', 'jpg', 'jpeg', 'png', ...LAYOUT_EXTENSIONS.map((e) => e.slice(1))],
};

export const DIALOGS: Record<DialogKind, OpenDialogOptions> = {
  // PAGE/ALTO files are chosen together with their images (or as a folder holding both).
  'import-files': {
    title: 'Import scans or PAGE/ALTO files',
    buttonLabel: 'Import',
    properties: ['openFile', 'multiSelections'],
    filters: [SCANS, { name: 'All files', extensions: ['*'] }],
  },
  'import-folder': {
    title: 'Import a folder of scans or PAGE/ALTO files',
    buttonLabel: 'Import',
    properties: ['openDirectory', 'multiSelections'],
  },
  'import-lines': {
    title: 'Import a folder of line images (NAME.png with NAME.gt.txt)',
    buttonLabel: 'Import lines',
    properties: ['openDirectory'],
  },
  'open-project': { title: 'Open a Quire project folder', buttonLabel: 'Open', properties: ['openDirectory'] },
  'create-project': {
    title: 'Choose a folder for the new project',
    buttonLabel: 'Create',
    properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
  },
  // The export goes into a new folder inside the chosen one, never among files already there.
  'export-folder': {
    title: 'Choose where to export (a new folder is made inside it)',
    buttonLabel: 'Export here',
    properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
  },
};

export interface IpcHandlers {
  call(method: unknown, request: unknown, project?: unknown): Promise<CallResult>;
  choose(kind: unknown): Promise<string[]>;
}

export function createIpcHandlers(api: Dispatcher, dialogs: NativeDialogs): IpcHandlers {
  return {
    call: (method, request, project) => api.call(method, request, undefined, typeof project === 'string' ? project : undefined),
    async choose(kind) {
      if (!DIALOG_KINDS.includes(kind as DialogKind)) throw new Error(`no dialog ${String(kind)}`);
      return dialogs.showOpen(DIALOGS[kind as DialogKind]);
    },
  };
}

/** The invoke channels and what answers them (ipcMain.handle in the app, a Playwright binding in tests). */
export function channelTable(handlers: IpcHandlers): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    [IPC.call]: (method, request, project) => handlers.call(method, request, project),
    [IPC.choose]: (kind) => handlers.choose(kind),
  };
}
