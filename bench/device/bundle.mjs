#!/usr/bin/env node
// Bundles the GPU check (bench/gpu-check.ts) and the parts it runs into plain .mjs files in
// DIR/bundle, with every JavaScript dependency inlined, and copies beside them, in
// DIR/node_modules, the few packages that cannot be inlined: native addons (Dawn's
// dawn.node for linux-x64 only, skia for @napi-rs/canvas), the fonts the generated lines
// are drawn with, and tfjs' .wasm files where backend.ts looks for them (the folder that
// resolving @tensorflow/tfjs-backend-wasm gives). The result runs with a bare `node` and no
// node_modules anywhere else. Used by bench/device/pack.sh. Usage: bundle.mjs DIR
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = process.argv[2];
if (!out) throw new Error('usage: bundle.mjs DIR');
rmSync(out, { recursive: true, force: true });
// Optional native backends are left out: their imports fail at run time and the backend is skipped.
const NATIVE = ['webgpu', '@napi-rs/canvas', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'];

await build({
  absWorkingDir: root,
  entryPoints: {
    'gpu-check': 'bench/gpu-check.ts',
    'engine-bench': 'bench/engine-bench.ts',
    'parity-case': 'test/helpers/parity-case.ts',
    'seg-step': 'bench/seg-step.ts',
    'webgpu-probe': 'bench/webgpu-probe.ts',
    // Names as parallel.ts and reading-pool.ts expect them beside themselves.
    'gradient-worker': 'main/ml/gradient-worker.ts',
    'reading-worker': 'main/ml/reading-worker.ts',
  },
  outdir: join(out, 'bundle'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  // ES modules first, so that tfjs and its backends share one copy of tfjs-core.
  mainFields: ['module', 'main'],
  external: NATIVE,
  // CommonJS dependencies call require() for Node's built-ins, and tfjs' wasm loader reads __dirname.
  banner: {
    js: [
      "import { createRequire as __quireRequire } from 'node:module';",
      'const require = __quireRequire(import.meta.url);',
      // Node ≥ 20.11 (the packed node is this machine's).
      'const __filename = import.meta.filename;',
      'const __dirname = import.meta.dirname;',
    ].join(' '),
  },
  logLevel: 'warning',
  legalComments: 'none',
});

const modules = join(out, 'node_modules');
const require = createRequire(join(root, 'package.json'));
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));
function copy(name, paths) {
  for (const p of ['package.json', ...paths]) {
    mkdirSync(dirname(join(modules, name, p)), { recursive: true });
    cpSync(join(pkgDir(name), p), join(modules, name, p), { recursive: true });
  }
}
copy('webgpu', ['index.js', 'dist/linux-x64/dawn.node']);
copy(
  '@napi-rs/canvas',
  readdirSync(pkgDir('@napi-rs/canvas')).filter((f) => f.endsWith('.js')),
);
copy('@napi-rs/canvas-linux-x64-gnu', ['skia.linux-x64-gnu.node']);
for (const font of readdirSync(join(root, 'node_modules/@fontsource'))) {
  copy(`@fontsource/${font}`, [`files/${font}-latin-400-normal.woff2`]);
}
// backend.ts's setWasmPaths points at the folder of the module this resolves to; that module
// itself is inlined in the bundle, but resolving it needs the file to be there.
const wasmDist = readdirSync(join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist'));
copy('@tensorflow/tfjs-backend-wasm', [
  'dist/tf-backend-wasm.node.js',
  ...wasmDist.filter((f) => f.endsWith('.wasm')).map((f) => `dist/${f}`),
]);
