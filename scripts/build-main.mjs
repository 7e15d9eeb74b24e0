#!/usr/bin/env node
// Compiles the main process, the preload script, the CLI and the worker threads to
// JavaScript in build/main/, so that neither the app nor the CLI needs a TypeScript
// loader at run time. Every file lands in that one folder, two levels below the
// repository root like the sources in main/<area>/: the paths the code computes from
// import.meta.url (renderer/dist, resources/, and the worker entries next to the module
// that starts them) resolve the same from source and from the build. Packages stay
// external: native modules (better-sqlite3, sharp) and tfjs' wasm files are loaded from
// node_modules as they are.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = 'build/main';

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

rmSync(`${root}${OUT_DIR}`, { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: {
      'electron-main': 'main/app/electron-main.ts',
      start: 'main/app/start.ts',
      quire: 'main/cli/bin.ts',
      // Names as the modules that start them expect them beside themselves.
      'job-worker': 'main/jobs/job-worker.ts',
      'segment-worker': 'main/layout/segment-worker.ts',
      'gradient-worker': 'main/ml/gradient-worker.ts',
      'reading-worker': 'main/ml/reading-worker.ts',
    },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    // Shared modules become chunks in the same folder, so relative URLs keep working.
    splitting: true,
    chunkNames: 'chunk-[hash]',
  }),
  // A sandboxed preload must be one CommonJS file that requires nothing but 'electron'.
  build({
    ...common,
    entryPoints: { preload: 'main/app/preload.ts' },
    outdir: OUT_DIR,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    packages: undefined,
    external: ['electron'],
  }),
]);
