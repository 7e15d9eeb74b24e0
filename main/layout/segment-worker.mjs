// Worker-thread entry for page segmentation: registers the TypeScript loader, then runs the worker module.
import { register } from 'tsx/esm/api';

register();
await import('./segment-worker.ts');
