// Picks the fastest TensorFlow.js backend that actually loads on this machine.
// Order: CUDA (tfjs-node-gpu) → native CPU (tfjs-node) → wasm (SIMD) → plain JS cpu.
// WebGPU (webgpu.ts) loads only when asked for (QUIRE_BACKEND=webgpu): see autoWebGpu.
// The tfjs-node packages are optional dependencies that download libtensorflow in an
// install script; where that script never ran (npm 11 blocks it by default, or there is
// no network) their import throws, and we fall through to the next candidate.
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-kernels.ts';
import { tryWebGpu } from './webgpu.ts';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

const NAMES: BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Which package provided it, e.g. "@tensorflow/tfjs-node-gpu". */
  provider: string;
  /** Why faster candidates were skipped (empty when the first one loaded). */
  skipped: string[];
}

let chosen: BackendInfo | undefined;

async function tryNative(pkg: string): Promise<boolean> {
  try {
    await import(pkg);
    return tf.findBackend('tensorflow') != null;
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The threaded build cannot start its workers under Node (they are created from a
    // blob: URL), so ask for the single-threaded SIMD build explicitly. Without the
    // platform-fetch flag, Emscripten reads the .wasm file from disk itself.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setWasmPaths(wasmDistDir());
    registerWasmTrainingKernels();
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

function wasmDistDir(): string {
  // setWasmPaths wants a prefix ending in '/'; resolve it from the installed package so
  // nothing is fetched from a CDN.
  const url = import.meta.resolve('@tensorflow/tfjs-backend-wasm');
  const path = new URL('.', url).pathname;
  return path.endsWith('/') ? path : path + '/';
}

/**
 * Whether WebGPU joins the automatic choice: no. Measured on a real GPU (an H200 through
 * Dawn and the NVIDIA Vulkan driver, docs/engine.md "GPU check"), it is exact but trains
 * the recognizer at a fifth of wasm's speed on the same machine's cores (the LSTM runs as
 * many small kernels), and on a software adapter such as SwiftShader it is ~100× slower.
 * Quire's synchronous paths (readLines, evaluate, checkpoints) also need reads that Node's
 * WebGPU cannot do. It stays opt-in: QUIRE_BACKEND=webgpu.
 */
const autoWebGpu = false;

/**
 * Initialises TensorFlow.js once per process. QUIRE_BACKEND=tensorflow|webgpu|wasm|cpu
 * forces a backend (an unavailable forced backend is an error, not a silent fallback).
 */
export async function initBackend(force = process.env.QUIRE_BACKEND): Promise<BackendInfo> {
  if (chosen) return chosen;
  const skipped: string[] = [];
  const whyNotWebGpu: string[] = [];
  const candidates: Array<[BackendName, string, () => Promise<boolean>]> = [
    ['tensorflow', '@tensorflow/tfjs-node-gpu', () => tryNative('@tensorflow/tfjs-node-gpu')],
    ...(force === 'webgpu' || autoWebGpu
      ? [['webgpu', '@tensorflow/tfjs-backend-webgpu', () => tryWebGpu(whyNotWebGpu)] as [BackendName, string, () => Promise<boolean>]]
      : []),
    ['tensorflow', '@tensorflow/tfjs-node', () => tryNative('@tensorflow/tfjs-node')],
    ['wasm', '@tensorflow/tfjs-backend-wasm', tryWasm],
    ['cpu', '@tensorflow/tfjs', async () => tf.setBackend('cpu')],
  ];
  if (force && !NAMES.includes(force as BackendName)) {
    throw new Error(`QUIRE_BACKEND=${force} is not one of ${NAMES.join(', ')}`);
  }
  for (const [name, provider, load] of candidates) {
    if (force && force !== name) continue;
    if (await load()) {
      if (name === 'tensorflow') await tf.setBackend('tensorflow');
      await tf.ready();
      chosen = { name, provider, skipped };
      return chosen;
    }
    skipped.push(`${provider} did not load${name === 'webgpu' && whyNotWebGpu.length ? `: ${whyNotWebGpu.join('; ')}` : ''}`);
  }
  throw new Error(`no TensorFlow.js backend could be loaded (${skipped.join('; ')})`);
}

export function currentBackend(): BackendInfo | undefined {
  return chosen;
}

/**
 * Whether tensors can be read synchronously (dataSync). False on WebGPU in Node: code that
 * reads inside a gradient tape or a sync API takes its asynchronous path there.
 */
export function hasSyncReads(): boolean {
  return tf.getBackend() !== 'webgpu';
}
