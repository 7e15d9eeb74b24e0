// Electron loads this CommonJS file; it registers the TypeScript loader and starts the
// main process module.
(async () => {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./electron-main.ts');
})();
