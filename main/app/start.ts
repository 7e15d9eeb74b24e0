// `npm start` (build/main/start.mjs): opens the workbench on a project (argument) or on the bundled sample.
// Under Electron it opens a window; where the Electron binary is missing (as on build
// machines without network) it starts browser mode and prints the URL to open.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BROWSER_MODE_PORT, serveOnLaunchPort } from './browser-mode.ts';
import { ensureSampleProject } from './sample-project.ts';

function electronBinary(): string | null {
  if (process.env.QUIRE_BROWSER_MODE === '1') return null;
  try {
    // The electron package exports the path of its binary, and throws when the binary
    // was never downloaded.
    return createRequire(import.meta.url)('electron') as string;
  } catch {
    return null;
  }
}

const dir = process.argv[2] ?? (await ensureSampleProject());
const electron = electronBinary();
if (electron) {
  // The app folder: Electron runs package.json's `main`, the compiled build/main/electron-main.mjs.
  const appDir = fileURLToPath(new URL('../../', import.meta.url));
  const child = spawn(electron, [appDir, dir], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const port = process.env.QUIRE_PORT ? Number(process.env.QUIRE_PORT) : BROWSER_MODE_PORT;
  const { server, close } = await serveOnLaunchPort(dir, port, (message) => console.warn(message));
  console.log(`Electron is not available here; Quire runs in browser mode.`);
  console.log(`Project: ${dir}`);
  console.log(`Open ${server.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => close().then(() => process.exit(0)));
}
