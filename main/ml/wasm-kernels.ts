// Training kernels for the wasm backend, composed from the backend's own fast kernels.
//
// tfjs-backend-wasm 4.22 can run a CRNN forward pass quickly (XNNPACK convolutions and
// matrix products) but training needs three more things (and copies less, below):
//   - Conv2DBackpropFilter is not implemented at all;
//   - Conv2DBackpropInput exists but is a naive loop, ~10× slower than a Conv2D;
//   - BatchMatMul only reaches XNNPACK without transpose flags, and the gradients of
//     every matMul set them.
// Each replacement works on TensorInfos and calls the registered wasm kernels directly,
// like tfjs's own composite kernels do, so nothing here touches the autograd tape.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { makeMaxPoolGrad } from './wasm-pool.ts';
import { makeSlice, makeSplitV, makeUnpack } from './wasm-slice.ts';

const { backend_util } = tf;

function kernel(name: string): KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm kernel ${name} is not registered`);
  return config.kernelFunc;
}

/** Runs a registered wasm kernel on TensorInfos (Concat takes an array of inputs). */
function call(backend: Backend, name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  return kernel(name)({ inputs, backend: backend as never, attrs }) as TensorInfo;
}

function free(backend: Backend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

function reshape(backend: Backend, x: TensorInfo, shape: number[]): TensorInfo {
  return call(backend, 'Reshape', { x }, { shape });
}

function swapLastTwo(backend: Backend, x: TensorInfo): TensorInfo {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return call(backend, 'Transpose', { x }, { perm });
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

function convInfoFor(xShape: number[], filterShape: number[], attrs: ConvAttrs) {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') throw new Error('wasm training kernels support NHWC only');
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as never,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** The parts of BackendWasm that the composite kernels use. */
type Backend = {
  disposeData(dataId: object): void;
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
};

/**
 * The im2col patches of lines n0..n1, transposed: row r = (kh·KW + kw)·CI + ci holds, for
 * every output position m = (n, oh, ow), the input value under filter tap (kh, kw) of
 * channel ci (zero in the padding). Built from xT = x as [CI, N, H, W], where each
 * (row, line, output row) is one contiguous run of the input row at stride 1, so the
 * patches are copied at memory speed (copyWithin) rather than gathered value by value.
 * Transposed, because XNNPACK's products are fastest with the long dimension as the rows
 * of the left operand: patchesᵀ [K, M] × dy [M, CO] is the filter gradient in the
 * filter's own layout [KH, KW, CI, CO], with no transpose of the patches or the result.
 */
function im2colT(b: Backend, xT: TensorInfo, info: ReturnType<typeof convInfoFor>, n0: number, n1: number): TensorInfo {
  const [CI, N, H, W] = xT.shape;
  const { outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  const M = (n1 - n0) * OH * OW;
  const out = b.makeOutput([KH * KW * CI, M], 'float32');
  // Views are taken after allocating: growing the heap detaches older views.
  const p = b.typedArrayFromHeap(out);
  const src = b.typedArrayFromHeap(xT);
  p.fill(0);
  // One view over the whole heap, so runs are copied with copyWithin (no per-copy views).
  const heap = new Float32Array(p.buffer);
  const pBase = p.byteOffset / 4;
  const srcBase = src.byteOffset / 4;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      // Output columns whose input column iw = ow·sw + kw − left lies inside the line.
      const owFirst = Math.max(0, Math.ceil((left - kw) / sw));
      const owLast = Math.min(OW - 1, Math.floor((W - 1 + left - kw) / sw));
      if (owLast < owFirst) continue;
      for (let ci = 0; ci < CI; ci++) {
        const row = pBase + ((kh * KW + kw) * CI + ci) * M;
        for (let n = n0; n < n1; n++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh - top;
            if (ih < 0 || ih >= H) continue;
            const from = srcBase + ((ci * N + n) * H + ih) * W + kw - left;
            const to = row + ((n - n0) * OH + oh) * OW;
            if (sw === 1) heap.copyWithin(to + owFirst, from + owFirst, from + owLast + 1);
            else for (let ow = owFirst; ow <= owLast; ow++) heap[to + ow] = heap[from + ow * sw];
          }
        }
      }
    }
  }
  return out;
}

/**
 * Most floats one im2col buffer may hold. The patches are 9·CI floats per output pixel:
 * for a real-length line (48×1200) the second layer's are 265 MB for a batch of 16, and
 * the wasm heap never shrinks, so they set the process's peak memory. Above this size (16 MB) the
 * batch is taken in chunks of lines and their products summed.
 */
let patchBudget = 4 * 1024 * 1024;

/** For tests: a small budget forces the chunked path on small inputs. */
export function setPatchBudget(floats: number): void {
  patchBudget = floats;
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh+kh−pt, ow·sw+kw−pl, ci] · dy[n,oh,ow,co]
 * as matrix products patchesᵀ × dy over M = N·OH·OW, one per chunk of lines.
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const b = backend as unknown as Backend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfoFor(x.shape, a.filterShape, a);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('Conv2DBackpropFilter: dilations are not supported');
  const N = x.shape[0];
  const P = info.outHeight * info.outWidth;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const CO = info.outChannels;
  const chunk = Math.max(1, Math.min(N, Math.floor(patchBudget / (P * K))));
  const xT = call(b, 'Transpose', { x }, { perm: [3, 0, 1, 2] });
  const dy2 = reshape(b, dy, [N * P, CO]);
  let sum: TensorInfo | undefined;
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const n1 = Math.min(N, n0 + chunk);
    const patchesT = im2colT(b, xT, info, n0, n1);
    const dyPart = chunk === N ? dy2 : call(b, 'Slice', { x: dy2 }, { begin: [n0 * P, 0], size: [(n1 - n0) * P, CO] });
    const prod = call(b, 'BatchMatMul', { a: patchesT, b: dyPart }, { transposeA: false, transposeB: false });
    free(b, patchesT, ...(dyPart === dy2 ? [] : [dyPart]));
    if (sum) {
      const next = call(b, 'Add', { a: sum, b: prod });
      free(b, sum, prod);
      sum = next;
    } else {
      sum = prod;
    }
  }
  const out = reshape(b, sum!, a.filterShape);
  free(b, xT, dy2, sum!);
  return out;
}

/**
 * For stride 1, dx is a "full" correlation of dy with the filter rotated by 180° and its
 * channel axes swapped, which the XNNPACK Conv2D does at full speed. Strided convolutions
 * fall back to the backend's own kernel.
 */
function makeConv2DBackpropInput(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const b = backend as unknown as Backend;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
    const info = convInfoFor(a.inputShape, filter.shape, a);
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
      return original(args);
    }
    const { top, bottom, left, right } = info.padInfo;
    const KH = info.filterHeight;
    const KW = info.filterWidth;
    const flipped = call(b, 'Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = call(b, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    const out = call(
      b,
      'Conv2D',
      { x: dy, filter: swapped },
      {
        strides: [1, 1],
        dilations: [1, 1],
        dataFormat: 'NHWC',
        dimRoundingMode: undefined as never,
        pad: [
          [0, 0],
          [KH - 1 - top, KH - 1 - bottom],
          [KW - 1 - left, KW - 1 - right],
          [0, 0],
        ],
      },
    );
    free(b, flipped, swapped);
    return out;
  };
}

/** Moves transposes out of BatchMatMul, and splits batched products into 2-D ones. */
function makeBatchMatMul(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const b = backend as unknown as Backend;
    let { a, b: m } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const temps: TensorInfo[] = [];
    if (transposeA) temps.push((a = swapLastTwo(b, a)));
    if (transposeB) temps.push((m = swapLastTwo(b, m)));
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batchB = m.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    let out: TensorInfo;
    if (batchA > 1 && batchA === batchB) {
      out = batchedProduct(b, original, a, m, batchA);
    } else {
      out = original({ inputs: { a, b: m }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
    }
    free(b, ...temps);
    return out;
  };
}

function batchedProduct(b: Backend, original: KernelFunc, a: TensorInfo, m: TensorInfo, batch: number): TensorInfo {
  const [R, K] = a.shape.slice(-2);
  const C = m.shape[m.shape.length - 1];
  const a3 = reshape(b, a, [batch, R, K]);
  const m3 = reshape(b, m, [batch, K, C]);
  const parts: TensorInfo[] = [];
  const temps: TensorInfo[] = [a3, m3];
  for (let i = 0; i < batch; i++) {
    const ai = call(b, 'Slice', { x: a3 }, { begin: [i, 0, 0], size: [1, R, K] });
    const mi = call(b, 'Slice', { x: m3 }, { begin: [i, 0, 0], size: [1, K, C] });
    parts.push(original({ inputs: { a: ai, b: mi }, backend: b as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo);
    temps.push(ai, mi);
  }
  const joined = call(b, 'Concat', parts as never, { axis: 0 });
  const out = reshape(b, joined, [...a.shape.slice(0, -2), R, C]);
  free(b, ...temps, ...parts, joined);
  return out;
}

/**
 * Identity, and Cast to the same dtype, share the input's buffer (reference-counted, as the
 * cpu backend and the wasm Reshape already do) instead of copying it. tfjs clones every
 * tensor it saves for the backward pass, and on wasm each clone was a full copy in the
 * heap: at 48×1200 the first conv layer's activations (113 MB a batch of 16) were held
 * three times. Tensors are immutable, so sharing is safe.
 */
function makeSharing(original: KernelFunc, sameType: (attrs: NamedAttrMap, x: TensorInfo) => boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as { x: TensorInfo }).x;
    if (x.dtype === 'string' || !sameType(attrs ?? {}, x)) return original(args);
    (backend as unknown as Backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

let registered = false;

function replace(name: string, make: (original: KernelFunc) => KernelFunc): void {
  const original = tf.getKernel(name, 'wasm');
  const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc: make(original?.kernelFunc as KernelFunc) };
  if (original) {
    config.setupFunc = original.setupFunc;
    tf.unregisterKernel(name, 'wasm');
  }
  tf.registerKernel(config);
}

/**
 * Registers the replacements. Must run before the wasm backend is initialised so that
 * the originals' setup functions (which bind the C entry points) still run.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  replace('Conv2DBackpropFilter', () => conv2DBackpropFilter);
  replace('Conv2DBackpropInput', makeConv2DBackpropInput);
  replace('BatchMatMul', makeBatchMatMul);
  replace('Identity', (original) => makeSharing(original, () => true));
  replace('Cast', (original) => makeSharing(original, (attrs, x) => attrs.dtype === x.dtype));
  replace('Slice', makeSlice);
  replace('SplitV', makeSplitV);
  replace('Unpack', makeUnpack);
  replace('MaxPoolGrad', makeMaxPoolGrad);
}
