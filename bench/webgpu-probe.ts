// Whether WebGPU loads here, and on which adapter: prints one JSON line, { description,
// software } (webgpu.ts's WebGpuAdapter), or exits 3 with { unavailable: reason }. Its own
// process, since Dawn stays loaded once it is. Used by bench/run.ts and bench/gpu-check.ts.
import { loadWebGpu } from '../main/ml/webgpu.ts';

const line = await loadWebGpu().then(
  (adapter) => ({ code: 0, json: adapter as object }),
  (e: Error) => ({ code: 3, json: { unavailable: e.message } }),
);
process.stdout.write(JSON.stringify(line.json) + '\n', () => process.exit(line.code));
