// Worker-thread entry for background jobs: registers the TypeScript loader, then runs the job module.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker.ts');
