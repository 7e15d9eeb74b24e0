// The only bridge between the sandboxed renderer and the main process (window.quire):
// API calls, native open dialogs, the event stream, and the paths of dropped files
// (webUtils; File.path is gone since Electron 32). Compiled to one CommonJS file, as a
// sandboxed preload must be (scripts/build-main.mjs).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC, type DesktopBridge } from '../../shared/bridge.ts';
import type { QuireEvent } from '../../shared/api.ts';

const bridge: DesktopBridge = {
  call: (method, request, project) => ipcRenderer.invoke(IPC.call, method, request, project),
  choose: (kind) => ipcRenderer.invoke(IPC.choose, kind),
  onEvent: (listener) => {
    const handler = (_event: IpcRendererEvent, payload: QuireEvent) => listener(payload);
    ipcRenderer.on(IPC.event, handler);
    return () => ipcRenderer.removeListener(IPC.event, handler);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('quire', bridge);
