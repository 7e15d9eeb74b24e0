// The recognizer as an ONNX graph, for reading with ONNX Runtime (onnx-reader.ts): its
// native kernels read lines about ten times faster than tfjs's wasm backend on the same
// CPU. Pure: weights in, protobuf bytes out; the same log-probabilities as
// Recognizer.logits + logSoftmax at every real frame (tested to 1e-4).
//
// Layout mapping (tfjs → ONNX):
//   image  [N,H,W,1] NHWC → [N,1,H,W] NCHW: the same bytes, since there is one channel.
//   conv   kernel [3,3,in,out] → [out,in,3,3]; "same" padding → pads 1.
//   frames [N,C,h,T] → [T,N,h·C], the feature order of Recognizer.visual (row-major h, C).
//   LSTM   our gates i,f,g,o in columns of [F,4U] → ONNX's i,o,f,c in rows of [4U,F]; one
//          bidirectional op per layer with `sequence_lens`, which gives our masking: zero
//          outputs past a line's end, and the backward pass starting at its last frame.
import onnxProto from 'onnx-proto';
import type { Recognizer } from './model.ts';

// onnx-proto is a CommonJS bundle of protobufjs static code; its namespace is a property.
const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;
type AttributeProto = InstanceType<typeof onnx.AttributeProto>;

/** ONNX gate k is our gate GATE_SOURCE[k] (ours i,f,g,o; ONNX i,o,f,c). */
const GATE_SOURCE = [0, 3, 1, 2];
const OPSET = 17;

interface Weight {
  shape: number[];
  data: Float32Array;
}

function floatTensor(name: string, dims: number[], data: Float32Array): TensorProto {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function attribute(name: string, value: number | number[] | string): AttributeProto {
  const type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: type.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: type.INTS, ints: value });
  return onnx.AttributeProto.create({ name, type: type.INT, i: value });
}

function node(opType: string, input: string[], output: string, attrs: Record<string, number | number[] | string> = {}): NodeProto {
  return onnx.NodeProto.create({
    opType,
    input,
    output: [output],
    name: output,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  });
}

/** [3,3,in,out] → [out,in,3,3]. */
function convKernel(k: Weight): Float32Array {
  const [kh, kw, ci, co] = k.shape;
  const out = new Float32Array(k.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          out[((o * ci + i) * kh + y) * kw + x] = k.data[((y * kw + x) * ci + i) * co + o];
        }
  return out;
}

/** Our [F, 4U] (gates i,f,g,o in column blocks) → ONNX [4U, F] (gates i,o,f,c in row blocks). */
function gateRows(w: Weight, U: number): Float32Array {
  const F = w.shape[0];
  const out = new Float32Array(4 * U * F);
  for (let k = 0; k < 4; k++)
    for (let u = 0; u < U; u++) {
      const col = GATE_SOURCE[k] * U + u;
      for (let f = 0; f < F; f++) out[(k * U + u) * F + f] = w.data[f * 4 * U + col];
    }
  return out;
}

/** Our bias [4U] → ONNX [Wb; Rb] of 8U, the recurrent half zero. */
function gateBias(b: Float32Array, U: number): Float32Array {
  const out = new Float32Array(8 * U);
  for (let k = 0; k < 4; k++) out.set(b.subarray(GATE_SOURCE[k] * U, (GATE_SOURCE[k] + 1) * U), k * U);
  return out;
}

const concat = (parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * ONNX model of `model`: inputs image [N,1,H,W] float (ink 1, paper 0) and lengths [N]
 * int32 (real frames per line); output logProbs [N,T,C], T = W / widthStride.
 */
export function recognizerToOnnx(model: Recognizer): Uint8Array {
  const config = model.config;
  const weight = (name: string): Weight => {
    const v = model.weights.get(name);
    if (!v) throw new Error(`model has no weight ${name}`);
    return { shape: v.shape, data: v.dataSync() as Float32Array };
  };
  const initializer: TensorProto[] = [];
  const nodes: NodeProto[] = [];
  let x = 'image';
  config.conv.forEach((layer, i) => {
    const kernel = weight(`conv${i}/kernel`);
    initializer.push(floatTensor(`conv${i}.w`, [kernel.shape[3], kernel.shape[2], 3, 3], convKernel(kernel)));
    initializer.push(floatTensor(`conv${i}.b`, [layer.filters], weight(`conv${i}/bias`).data));
    nodes.push(node('Conv', [x, `conv${i}.w`, `conv${i}.b`], `conv${i}`, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    nodes.push(node('Relu', [`conv${i}`], (x = `relu${i}`)));
    if (layer.pool[0] > 1 || layer.pool[1] > 1)
      nodes.push(node('MaxPool', [x], (x = `pool${i}`), { kernel_shape: layer.pool, strides: layer.pool }));
  });
  initializer.push(
    onnx.TensorProto.create({ name: 'mergeLast', dims: [3], dataType: onnx.TensorProto.DataType.INT64, int64Data: [0, 0, -1] }),
  );
  nodes.push(node('Transpose', [x], 'frames', { perm: [3, 0, 2, 1] }));
  nodes.push(node('Reshape', ['frames', 'mergeLast'], (x = 'features')));
  const U = config.lstmUnits;
  for (let l = 0; l < config.lstmLayers; l++) {
    const dirs = ['fw', 'bw'].map((d) => `lstm${l}/${d}/`);
    const inputSize = weight(`${dirs[0]}kernel`).shape[0];
    initializer.push(floatTensor(`lstm${l}.W`, [2, 4 * U, inputSize], concat(dirs.map((d) => gateRows(weight(d + 'kernel'), U)))));
    initializer.push(floatTensor(`lstm${l}.R`, [2, 4 * U, U], concat(dirs.map((d) => gateRows(weight(d + 'recurrent'), U)))));
    initializer.push(floatTensor(`lstm${l}.B`, [2, 8 * U], concat(dirs.map((d) => gateBias(weight(d + 'bias').data, U)))));
    nodes.push(
      node('LSTM', [x, `lstm${l}.W`, `lstm${l}.R`, `lstm${l}.B`, 'lengths'], `lstm${l}.Y`, { direction: 'bidirectional', hidden_size: U }),
    );
    // Y [T,2,N,U] → [T,N,2,U] → [T,N,2U]: forward states first, as Recognizer.contextual concatenates.
    nodes.push(node('Transpose', [`lstm${l}.Y`], `lstm${l}.T`, { perm: [0, 2, 1, 3] }));
    nodes.push(node('Reshape', [`lstm${l}.T`, 'mergeLast'], (x = `lstm${l}.out`)));
  }
  const head = weight('head/kernel');
  initializer.push(floatTensor('head.w', head.shape, head.data));
  initializer.push(floatTensor('head.b', [config.classes], weight('head/bias').data));
  nodes.push(node('MatMul', [x, 'head.w'], 'head.product'));
  nodes.push(node('Add', ['head.product', 'head.b'], 'logits'));
  nodes.push(node('LogSoftmax', ['logits'], 'logProbsTN', { axis: 2 }));
  nodes.push(node('Transpose', ['logProbsTN'], 'logProbs', { perm: [1, 0, 2] }));

  const { FLOAT, INT32 } = onnx.TensorProto.DataType;
  const valueInfo = (name: string, elemType: number, dims: Array<number | string>) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
  const graph = onnx.GraphProto.create({
    name: 'quire-recognizer',
    node: nodes,
    initializer,
    input: [valueInfo('image', FLOAT, ['N', 1, config.height, 'W']), valueInfo('lengths', INT32, ['N'])],
    output: [valueInfo('logProbs', FLOAT, ['N', 'T', config.classes])],
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, producerName: 'quire', opsetImport: [{ domain: '', version: OPSET }], graph }),
  ).finish();
}
