// The compiled main process (build/main, from scripts/build-main.mjs) runs without the
// TypeScript loader: the CLI is run from a copy of the app whose node_modules holds every
// installed package except tsx, as a packaged app has none. Every file the build's code
// loads by a relative URL (worker entries, preload, renderer, resources) exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, ELECTRON_MAIN, PRELOAD } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/project.ts';
import { SAMPLE_SOURCE } from '../../../main/app/sample-project.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD = join(ROOT, 'build/main');

/** A copy of the app (package.json + build) beside a node_modules without tsx. */
function appWithoutTsx(): string {
  const app = join(tempDir('quire-notsx-'), 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  cpSync(BUILD, join(app, 'build/main'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'tsx' || name === '.bin') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name));
  }
  return app;
}

test('package.json points at the compiled entries', () => {
  assert.equal(CLI, join(BUILD, 'quire.mjs'));
  assert.equal(ELECTRON_MAIN, join(BUILD, 'electron-main.mjs'));
  for (const file of [CLI, ELECTRON_MAIN, PRELOAD]) assert.ok(existsSync(file), file);
  assert.match(readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('no compiled file loads tsx or a .ts module', () => {
  for (const name of readdirSync(BUILD).filter((n) => /\.(mjs|cjs)$/.test(n))) {
    const code = readFileSync(join(BUILD, name), 'utf8');
    assert.doesNotMatch(code, /["']tsx(\/[^"']*)?["']/, `${name} imports tsx`);
    assert.doesNotMatch(code, /(import\(|from |new URL\()\s*["'][^"']+\.ts["']/, `${name} loads a .ts file`);
  }
});

test('every file the build loads by a relative URL exists', () => {
  const targets = new Set<string>();
  for (const name of readdirSync(BUILD).filter((n) => n.endsWith('.mjs'))) {
    for (const m of readFileSync(join(BUILD, name), 'utf8').matchAll(/new URL\(\s*["']([^"']+)["'],\s*import\.meta\.url\s*\)/g)) targets.add(m[1]);
  }
  // The three worker entries, the preload, the renderer and the resources.
  for (const expected of ['./job-worker.mjs', './segment-worker.mjs', './gradient-worker.mjs', './preload.cjs', '../../renderer/dist/', '../../resources/sample/']) {
    assert.ok(targets.has(expected), `the build refers to ${expected}`);
  }
  for (const target of targets) assert.ok(existsSync(fileURLToPath(new URL(target, `file://${BUILD}/x.mjs`))), `${target} exists beside build/main`);
});

test('the compiled CLI runs where tsx cannot be reached: --help, init, import, ls', () => {
  const app = appWithoutTsx();
  const run = (...args: string[]) => spawnSync(process.execPath, [join(app, 'build/main/quire.mjs'), ...args], { encoding: 'utf8', cwd: app, env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: '' } });
  // The check can fail: from the copy, tsx is not found.
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('tsx')"], { cwd: app, encoding: 'utf8' });
  assert.notEqual(probe.status, 0, 'tsx must not be reachable from the copy');
  const help = run('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: quire/);
  const dir = join(app, '..', 'project');
  assert.equal(run('init', dir).status, 0);
  const imported = run('import', dir, join(SAMPLE_SOURCE, 'pages', 'page-1.jpg'));
  assert.equal(imported.status, 0, imported.stderr);
  const ls = run('ls', dir, '--json');
  assert.equal(ls.status, 0, ls.stderr);
  assert.equal(JSON.parse(ls.stdout).counts.pages, 1);
});

test('the installers pack compiled output only and no TypeScript loader', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies.tsx, undefined, 'tsx is a devDependency: electron-builder leaves it out');
  const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  const list = (key: string) => (yml.split(`\n${key}:\n`)[1] ?? '').split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4).replace(/"/g, ''));
  const files = list('files');
  assert.ok(files.includes('build/main/**/*') && files.includes('renderer/dist/**/*'), files.join(', '));
  assert.ok(!files.some((f) => /^(main|shared|renderer\/src)\//.test(f)), `sources packed: ${files.join(', ')}`);
  const unpacked = list('asarUnpack');
  for (const needed of ['node_modules/better-sqlite3/**/*', 'node_modules/sharp/**/*', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm']) assert.ok(unpacked.includes(needed), needed);
});
