// Backend choice runs once per process, so each case runs in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const script = "import { initBackend } from './main/ml/backend.ts'; const b = await initBackend(); console.log(JSON.stringify(b));";
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

test('without tfjs-node the choice falls through to wasm and says why', () => {
  const r = run({ QUIRE_BACKEND: '' });
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  // On a machine where tfjs-node installed, it would be chosen; here it cannot install.
  assert.ok(['tensorflow', 'wasm'].includes(info.name));
  if (info.name === 'wasm')
    assert.deepEqual(info.skipped, ['@tensorflow/tfjs-node-gpu did not load', '@tensorflow/tfjs-node did not load']);
});

test('QUIRE_BACKEND forces a backend, and an unknown one is an error', () => {
  assert.equal(JSON.parse(run({ QUIRE_BACKEND: 'cpu' }).stdout).name, 'cpu');
  const bad = run({ QUIRE_BACKEND: 'quantum' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /QUIRE_BACKEND=quantum is not one of/);
});
