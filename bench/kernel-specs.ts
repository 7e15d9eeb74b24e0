// The matrix products and convolutions of one recognizer training step (DEFAULT_CONFIG's
// layers at a given line size), with their FLOP counts, as bench/kernel-flops.ts times them
// in both engines. Counts follow lstm-fused.ts (per direction: one input projection, a small
// recurrent product per frame forward and backward, three weight/input-gradient products
// over all frames) and conv-block.ts (forward, filter gradient, input gradient but for the
// first layer, whose input is the image).
import { DEFAULT_CONFIG, visualFeatureSize } from '../main/ml/model.ts';

interface Common {
  name: string;
  shape: string;
  /** FLOPs of one call (a multiply-add counts 2). */
  flops: number;
  /** Calls per timed round (the per-frame products run once per frame). */
  calls: number;
  /** How many such rounds one training step makes (directions, layers). */
  perStep: number;
}
export type KernelSpec =
  | (Common & { kind: 'matmul'; m: number; k: number; n: number })
  | (Common & { kind: 'conv' | 'conv-dw' | 'conv-dx'; n: number; h: number; w: number; cin: number; cout: number });

const CLASSES = 100;

export function kernelSpecs(batch: number, height: number, width: number): KernelSpec[] {
  const config = { ...DEFAULT_CONFIG, height };
  const specs: KernelSpec[] = [];
  let [h, w, cin] = [height, width, 1];
  config.conv.forEach((layer, i) => {
    const flops = 2 * 9 * cin * layer.filters * h * w * batch;
    const base = { n: batch, h, w, cin, cout: layer.filters, flops, calls: 1, perStep: 1 };
    const shape = `${batch}×${h}×${w}×${cin}→${layer.filters}`;
    specs.push({ ...base, kind: 'conv', name: `conv${i} forward`, shape });
    specs.push({ ...base, kind: 'conv-dw', name: `conv${i} filter gradient`, shape });
    if (i > 0) specs.push({ ...base, kind: 'conv-dx', name: `conv${i} input gradient`, shape });
    [h, w, cin] = [h / layer.pool[0], w / layer.pool[1], layer.filters];
  });
  const frames = w;
  const rows = batch * frames;
  const U = config.lstmUnits;
  const G = 4 * U;
  const mm = (name: string, m: number, k: number, n: number, perStep: number, calls = 1): KernelSpec => ({
    kind: 'matmul',
    name,
    shape: `${m}×${k}·${k}×${n}`,
    m,
    k,
    n,
    flops: 2 * m * k * n,
    calls,
    perStep,
  });
  for (let layer = 0; layer < config.lstmLayers; layer++) {
    const F = layer === 0 ? visualFeatureSize(config) : 2 * U;
    specs.push(mm(`lstm${layer} input projection`, rows, F, G, 2));
    specs.push(mm(`lstm${layer} input gradient`, rows, G, F, 2));
    specs.push(mm(`lstm${layer} kernel gradient`, F, rows, G, 2));
  }
  const dirs = 2 * config.lstmLayers;
  specs.push(mm('lstm recurrent gradient (all frames)', U, rows, G, dirs));
  specs.push(mm('lstm recurrent product per frame', batch, U, G, dirs, frames - 1));
  specs.push(mm('lstm recurrent backward per frame', batch, G, U, dirs, frames - 1));
  specs.push(mm('head (forward, input and weight gradients)', rows, 2 * U, CLASSES, 3));
  return specs;
}
