// Backend parity: the same small training and reading cases (test/helpers/parity-case.ts)
// on every backend present here — cpu (the reference), wasm with Quire's kernels, WebGPU
// where Dawn finds an adapter, tfjs-node where it is installed — must give the same loss,
// gradients, losses after two Adam steps and readings. A backend that is not present is
// skipped, with the reason in the test's name and output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ParityResult } from '../../helpers/parity-case.ts';
import { compareParity, PARITY_TOLERANCE } from '../../helpers/parity-compare.ts';

// Debian's chromium ships SwiftShader, a CPU Vulkan driver: exact, and enough to test
// WebGPU on machines without a GPU. A VK_ICD_FILENAMES set by the caller wins.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

type Outcome = { ok: true; result: ParityResult } | { ok: false; reason: string };

function runCase(backend: string): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, QUIRE_BACKEND: '' };
  if (backend === 'webgpu' && !env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/parity-case.ts', backend], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 && code !== 3) {
        reject(new Error(`${backend} case failed (exit ${code}): ${err.slice(-2000)}`));
        return;
      }
      if (code === 3) resolve({ ok: false, reason: JSON.parse(last).unavailable });
      else resolve({ ok: true, result: JSON.parse(last) });
    });
  });
}

// All cases start at once: the backends run in their own processes.
const cases = Object.fromEntries(['cpu', 'wasm', 'webgpu', 'tensorflow'].map((b) => [b, runCase(b)]));
const reference = await cases.cpu;

test('the cpu reference runs', () => {
  assert.ok(reference.ok, 'the cpu backend must always be present');
  assert.ok(Number.isFinite(reference.result.loss) && reference.result.loss > 0);
  assert.ok(
    reference.result.readings.some((r) => r.text.length > 3),
    'the base model reads real text',
  );
});

for (const backend of ['wasm', 'webgpu', 'tensorflow']) {
  const outcome = await cases[backend];
  const skip = outcome.ok ? false : `${backend} is not present here: ${outcome.reason}`;
  if (skip) console.log(`# skipped ${skip}`);
  test(`${backend} matches cpu: loss, gradients, two Adam steps, readings`, { skip }, () => {
    if (!outcome.ok || !reference.ok) return;
    assert.equal(outcome.result.backend, backend);
    const comparison = compareParity(reference.result, outcome.result);
    assert.deepEqual(comparison.failures, [], `${backend} differs from cpu beyond ${PARITY_TOLERANCE}`);
  });
}
