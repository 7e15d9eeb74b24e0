// The import directions of .dependency-cruiser.cjs (README, "Layout"), checked with
// dependency-cruiser over the whole tree; any violation fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function cruise(cwd: string, paths: string[], extra: string[] = []) {
  const run = spawnSync(process.execPath, [DEPCRUISE, ...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...extra], {
    cwd,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('main/, shared/ and renderer/ follow the import rules', () => {
  const { status, output } = cruise(ROOT, ['main', 'shared', 'renderer/src']);
  assert.equal(status, 0, output);
});

test('the rules catch a renderer importing main/ and a cycle between two folders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quire-depcruise-'));
  try {
    cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true } }));
    for (const sub of ['renderer', 'main/a', 'main/b']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'renderer/view.ts'), "import { a } from '../main/a/a.ts';\nexport const v = a;\n");
    writeFileSync(join(dir, 'main/a/a.ts'), "import { b } from '../b/b.ts';\nexport const a = 1;\nexport const ab = () => b;\n");
    writeFileSync(join(dir, 'main/b/b.ts'), "import { a } from '../a/a2.ts';\nexport const b = a;\n");
    writeFileSync(join(dir, 'main/a/a2.ts'), "export const a = 2;\nexport const back = async () => (await import('../b/b.ts')).b;\n");
    const { status, output } = cruise(dir, ['main', 'renderer']);
    assert.notEqual(status, 0);
    assert.match(output, /renderer-imports-only-shared: renderer\/view\.ts → main\/a\/a\.ts/);
    assert.match(output, /no-folder-cycles/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
