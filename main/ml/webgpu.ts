// TensorFlow.js's WebGPU backend in Node, through Dawn (the optional `webgpu` package).
// A GPU path without CUDA lock-in: Vulkan, Metal or D3D12, whatever the machine has.
// Node has no `navigator.gpu`; the package provides one, plus the WebGPU globals
// (GPUBufferUsage, ...) that the backend expects to find on globalThis.
//
// Two limits shape how Quire uses it:
// * Node's WebGPU has no synchronous read-back (the backend's dataSync goes through an
//   OffscreenCanvas, which Node lacks), so everything on this backend reads asynchronously
//   (`hasSyncReads()` in backend.ts), and the fused LSTM and the CTC op, which read inside
//   the gradient tape, are replaced there (lstm-ops.ts, shardGradientsAsync).
// * On a software adapter (SwiftShader, llvmpipe) it is exact but far slower than wasm, so
//   it is never chosen automatically there.
import * as tf from '@tensorflow/tfjs';

export interface WebGpuAdapter {
  description: string;
  /** A CPU implementation of Vulkan/WebGPU rather than a GPU. */
  software: boolean;
}

let adapter: WebGpuAdapter | undefined;

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render/i;

/** Loads Dawn and registers the backend; throws with the reason when it cannot. */
export async function loadWebGpu(): Promise<WebGpuAdapter> {
  if (adapter) return adapter;
  const dawn = await import('webgpu').catch((e: Error) => {
    throw new Error(`the webgpu package did not load (${e.message.split('\n')[0]})`);
  });
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    Object.assign(globalThis, dawn.globals);
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    Object.defineProperty(g.navigator, 'gpu', { value: dawn.create([]), configurable: true });
  }
  const gpu = g.navigator!.gpu as { requestAdapter(): Promise<object | null> };
  const found = await gpu.requestAdapter();
  if (!found) throw new Error('no WebGPU adapter (is a Vulkan driver installed? VK_ICD_FILENAMES selects one)');
  const info = (found as unknown as { info?: { description?: string; vendor?: string; architecture?: string } }).info ?? {};
  const description = [info.description, info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const fallback = (found as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  await import('@tensorflow/tfjs-backend-webgpu');
  adapter = { description, software: fallback || SOFTWARE.test(description) };
  return adapter;
}

/** Registers and selects the webgpu backend; false (with the reason in `why`) when it cannot. */
export async function tryWebGpu(why: string[]): Promise<boolean> {
  try {
    await loadWebGpu();
    return await tf.setBackend('webgpu');
  } catch (e) {
    why.push((e as Error).message);
    return false;
  }
}
