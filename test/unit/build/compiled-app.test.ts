// The compiled main process (build/main, from scripts/build-main.mjs) runs without the
// TypeScript loader: the CLI is run from a copy of the app whose node_modules holds every
// installed package except tsx, as a packaged app has none. Every file the build's code
// loads by a relative URL (worker entries, preload, renderer, resources) exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, ELECTRON_MAIN, PRELOAD } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/project.ts';
import { SAMPLE_SOURCE } from '../../../main/app/sample-project.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD = join(ROOT, 'build/main');

/** A copy of the app (package.json, build, resources) beside a node_modules without tsx. */
function appWithoutTsx(): string {
  const app = join(tempDir('quire-notsx-'), 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  cpSync(BUILD, join(app, 'build/main'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  cpSync(join(ROOT, 'resources'), join(app, 'resources'), { recursive: true });
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
  // The four worker entries, the preload, the renderer and the resources.
  for (const expected of ['./job-worker.mjs', './segment-worker.mjs', './gradient-worker.mjs', './reading-worker.mjs', './preload.cjs', '../../renderer/dist/', '../../resources/sample/']) {
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
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  assert.deepEqual(lock.packages[''].bin, pkg.bin, 'the lockfile agrees with package.json');
  assert.equal(lock.packages['node_modules/tsx'].dev, true);
  const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  const list = (key: string) => (yml.split(`\n${key}:\n`)[1] ?? '').split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4).replace(/"/g, ''));
  const files = list('files');
  assert.ok(files.includes('build/main/**/*') && files.includes('renderer/dist/**/*'), files.join(', '));
  assert.ok(!files.some((f) => /^(main|shared|renderer\/src)\//.test(f)), `sources packed: ${files.join(', ')}`);
  const unpacked = list('asarUnpack');
  for (const needed of ['node_modules/better-sqlite3/**/*', 'node_modules/sharp/**/*', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm', 'node_modules/onnxruntime-node/**/*']) assert.ok(unpacked.includes(needed), needed);
  // Each installer carries ONNX Runtime's library for its own platform only.
  for (const [target, others] of [['linux', 'darwin,win32'], ['win', 'darwin,linux'], ['mac', 'linux,win32']]) {
    assert.ok(yml.includes(`\n${target}:\n  files: ["!node_modules/onnxruntime-node/bin/napi-v*/{${others}}/**"]`), target);
  }
});

test('the compiled app (npm start in browser mode) runs segmentation and a job in its compiled workers, without tsx', { timeout: 240_000 }, async (t) => {
  const app = appWithoutTsx();
  const dir = join(app, '..', 'project');
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(app, 'build/main/quire.mjs'), ...args], { encoding: 'utf8', cwd: app });
  assert.equal(cli('init', dir).status, 0);
  assert.equal(cli('import', dir, join(SAMPLE_SOURCE, 'pages', 'page-1.jpg')).status, 0);
  const server = spawn(process.execPath, [join(app, 'build/main/start.mjs'), dir], { cwd: app, env: { ...process.env, QUIRE_BROWSER_MODE: '1', NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => server.kill('SIGTERM'));
  const url = await new Promise<URL>((ok, fail) => {
    let out = '';
    server.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) ok(new URL(m[1]));
    });
    server.once('exit', (code) => fail(new Error(`the compiled app exited (${code}) before serving: ${out}`)));
  });
  const call = async (method: string, body: object) => {
    const res = await fetch(new URL(`/api/${method}`, url), { method: 'POST', headers: { 'x-quire-token': url.searchParams.get('token')!, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json();
    assert.equal(res.status, 200, JSON.stringify(json));
    return json;
  };
  // segment-worker.mjs
  const segmented = await call('segmentPages', { pageIds: [1] });
  assert.ok(segmented.added > 0, JSON.stringify(segmented));
  // job-worker.mjs
  const model = await call('addBaseModel', {});
  const { jobId } = await call('startTranscription', { modelId: model.id });
  let job: { id: number; state: string; error: string | null } | undefined;
  for (let i = 0; i < 900 && !['done', 'failed'].includes(job?.state ?? ''); i++) {
    await new Promise((r) => setTimeout(r, 200));
    job = (await call('listJobs', {})).find((j: { id: number }) => j.id === jobId);
  }
  assert.equal(job?.state, 'done', job?.error ?? '');
});
