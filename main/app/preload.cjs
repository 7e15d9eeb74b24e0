// The only bridge between the sandboxed renderer and the main process: one call channel
// and one event channel. Sandboxed preloads must be CommonJS.
const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('quire', {
  call: (method, request) => ipcRenderer.invoke('quire:call', method, request),
  onEvent: (listener) => {
    const handler = (_event, payload) => listener(payload);
    ipcRenderer.on('quire:event', handler);
    return () => ipcRenderer.removeListener('quire:event', handler);
  },
});
