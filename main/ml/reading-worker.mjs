// Worker-thread entry when Quire runs from its TypeScript sources (tests, benchmarks):
// registers the TypeScript loader, then runs the worker module. The app and the CLI run the
// build instead, where scripts/build-main.mjs compiles the module itself to build/main/reading-worker.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./reading-worker.ts');
