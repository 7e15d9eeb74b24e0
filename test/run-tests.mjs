#!/usr/bin/env node
// Runs the test suite with node's test runner. Node 20 does not expand globs itself, so
// the files are collected here. Slow tests (training runs) are named *.slow.test.ts;
// `--fast` leaves them out. Other arguments narrow the run to paths containing them.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const fast = args.includes('--fast');
const filters = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
  .filter((f) => !(fast && f.endsWith('.slow.test.ts')))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => `test/${f}`);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The CLI and desktop tests run the compiled main process (build/main); compiling takes
// under a second, so a narrowed run never tests stale JavaScript.
const built = spawnSync(process.execPath, ['scripts/build-main.mjs'], {
  stdio: 'inherit',
  cwd: fileURLToPath(new URL('..', import.meta.url)),
});
if (built.status !== 0) process.exit(built.status ?? 1);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  cwd: fileURLToPath(new URL('..', import.meta.url)),
});
process.exit(result.status ?? 1);
