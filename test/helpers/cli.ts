// The compiled `quire` command (package.json `bin`), as users run it: the tests exercise
// the build, not the TypeScript sources. test/run-tests.mjs compiles it before every run.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { bin: { quire: string }; main: string };

export const CLI = `${root}${pkg.bin.quire}`;
/** The Electron main process's compiled entry (package.json `main`). */
export const ELECTRON_MAIN = `${root}${pkg.main}`;
export const PRELOAD = `${root}build/main/preload.cjs`;

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (or node scripts/build-main.mjs)`);
