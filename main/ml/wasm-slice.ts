// Slice, SplitV and Unpack for the wasm backend, copying inside the wasm heap.
//
// tfjs-backend-wasm 4.22's Slice starts with backend.readSync(x), which copies the WHOLE
// input out of the heap into a new ArrayBuffer before taking the slice; SplitV and Unpack
// call it once per piece. Cutting a [230400, 64] tensor into 16 row blocks thus copied
// 944 MB and spent ~400 ms in the kernel (mostly page faults) for 59 MB of slices, and
// unstacking T frames is quadratic in T. These read the input through a heap view instead.
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/** The parts of BackendWasm that kernels copying inside the heap use. */
export type HeapBackend = {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
};

/** x[begin : begin + size] as a new tensor, copied in runs as long as the layout allows. */
export function sliceInHeap(b: HeapBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = b.makeOutput(size, x.dtype);
  // Views are taken after allocating: growing the heap detaches older views.
  const src = b.typedArrayFromHeap(x);
  const dst = b.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0 || dst.length === 0) {
    dst.set(src.subarray(0, dst.length));
    return out;
  }
  const strides = tf.util.computeStrides(x.shape);
  const stride = (axis: number) => (axis < rank - 1 ? strides[axis] : 1);
  // The innermost axis that is cut: every axis after it is whole, so each step along the
  // axes before it is one contiguous run.
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === x.shape[k]) k--;
  const run = size[k] * stride(k);
  const index = new Array<number>(k).fill(0);
  for (let at = 0; at < dst.length; at += run) {
    let from = begin[k] * stride(k);
    for (let a = 0; a < k; a++) from += (begin[a] + index[a]) * stride(a);
    dst.set(src.subarray(from, from + run), at);
    // Odometer over the outer axes.
    for (let a = k - 1; a >= 0 && ++index[a] === size[a]; a--) index[a] = 0;
  }
  return out;
}

export function makeSlice(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return sliceInHeap(args.backend as unknown as HeapBackend, x, b, s);
  };
}

export function makeSplitV(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((piece) => {
      const size = [...x.shape];
      size[$axis] = piece;
      const out = sliceInHeap(args.backend as unknown as HeapBackend, x, [...begin], size);
      begin[$axis] += piece;
      return out;
    });
  };
}

export function makeUnpack(original: KernelFunc): KernelFunc {
  return (args) => {
    const { value } = args.inputs as { value: TensorInfo };
    if (value.dtype === 'string') return original(args);
    const rank = value.shape.length;
    const axis = ((args.attrs as unknown as { axis: number }).axis + rank) % rank;
    const shape = value.shape.filter((_, i) => i !== axis);
    const size = [...value.shape];
    size[axis] = 1;
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      const begin = new Array<number>(rank).fill(0);
      begin[axis] = i;
      const out = sliceInHeap(args.backend as unknown as HeapBackend, value, begin, size);
      return { ...out, shape };
    });
  };
}
