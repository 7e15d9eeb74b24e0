// Connectionist Temporal Classification (Graves et al., 2006) in log space.
// The forward–backward pass runs in plain JS on the CPU: it is O(T·S) per line with
// S = 2·|label|+1, tiny next to the network, and keeps exact double precision.
// Conventions follow torch.nn.functional.ctc_loss: blank = 0, per-sample loss is the
// negative log-likelihood, impossible alignments give +∞ (we zero them, "zero_infinity").
import * as tf from '@tensorflow/tfjs';
import { logAdd, NEG_INF } from './log-space.ts';

export interface CtcBatch {
  /** Logits (before log-softmax), batch-major [N, T, C], row-major. */
  logits: Float32Array;
  shape: [number, number, number];
  /** Label indices per sample, each in 1..C-1 (0 is the blank). */
  labels: number[][];
  /** True number of frames per sample (≤ T); frames beyond it are padding. */
  inputLengths: number[];
}

export interface CtcResult {
  /** Per-sample negative log-likelihood; +∞ when no alignment exists. */
  nll: Float64Array;
  /** d(Σ_n loss_n)/d logits, with infinite samples contributing zero (zero_infinity). */
  grad: Float32Array;
}

/** Log-softmax of one frame's logits into `out` (Float64). */
function logSoftmaxRow(src: Float32Array, offset: number, C: number, out: Float64Array): void {
  let max = NEG_INF;
  for (let c = 0; c < C; c++) max = Math.max(max, src[offset + c]);
  let sum = 0;
  for (let c = 0; c < C; c++) sum += Math.exp(src[offset + c] - max);
  const lse = max + Math.log(sum);
  for (let c = 0; c < C; c++) out[c] = src[offset + c] - lse;
}

export function ctcLossAndGrad(batch: CtcBatch, blank = 0): CtcResult {
  const [N, T, C] = batch.shape;
  if (batch.logits.length !== N * T * C) throw new Error(`ctc: logits length ${batch.logits.length} != ${N}×${T}×${C}`);
  if (batch.labels.length !== N || batch.inputLengths.length !== N)
    throw new Error('ctc: labels/inputLengths must have one entry per sample');
  const nll = new Float64Array(N);
  const grad = new Float32Array(N * T * C);
  for (let n = 0; n < N; n++) {
    const Tn = batch.inputLengths[n];
    if (!(Tn >= 0 && Tn <= T)) throw new Error(`ctc: input length ${Tn} of sample ${n} outside 0..${T}`);
    for (const k of batch.labels[n]) {
      if (!(k > 0 && k < C) || k === blank) throw new Error(`ctc: label ${k} of sample ${n} outside 1..${C - 1}`);
    }
    nll[n] = sampleLossAndGrad(batch.logits, n * T * C, Tn, C, batch.labels[n], blank, grad);
  }
  return { nll, grad };
}

function sampleLossAndGrad(
  logits: Float32Array,
  base: number,
  T: number,
  C: number,
  label: number[],
  blank: number,
  grad: Float32Array,
): number {
  const L = label.length;
  const S = 2 * L + 1;
  if (T === 0) return L === 0 ? 0 : Infinity;
  const ext = new Int32Array(S);
  for (let s = 0; s < S; s++) ext[s] = s % 2 === 0 ? blank : label[(s - 1) >> 1];
  const lp = new Float64Array(T * C);
  const row = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    logSoftmaxRow(logits, base + t * C, C, row);
    lp.set(row, t * C);
  }
  // A transition s-2 → s is allowed when ext[s] is a label that differs from ext[s-2].
  const canSkip = (s: number) => s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2];
  const alpha = new Float64Array(T * S).fill(NEG_INF);
  const beta = new Float64Array(T * S).fill(NEG_INF);
  alpha[0] = lp[ext[0]];
  if (S > 1) alpha[1] = lp[ext[1]];
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let a = alpha[(t - 1) * S + s];
      if (s >= 1) a = logAdd(a, alpha[(t - 1) * S + s - 1]);
      if (canSkip(s)) a = logAdd(a, alpha[(t - 1) * S + s - 2]);
      alpha[t * S + s] = a === NEG_INF ? NEG_INF : a + lp[t * C + ext[s]];
    }
  }
  const last = (T - 1) * S;
  beta[last + S - 1] = lp[(T - 1) * C + ext[S - 1]];
  if (S > 1) beta[last + S - 2] = lp[(T - 1) * C + ext[S - 2]];
  for (let t = T - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      let b = beta[(t + 1) * S + s];
      if (s + 1 < S) b = logAdd(b, beta[(t + 1) * S + s + 1]);
      if (s + 2 < S && canSkip(s + 2)) b = logAdd(b, beta[(t + 1) * S + s + 2]);
      beta[t * S + s] = b === NEG_INF ? NEG_INF : b + lp[t * C + ext[s]];
    }
  }
  const logLik = S > 1 ? logAdd(alpha[last + S - 1], alpha[last + S - 2]) : alpha[last];
  if (logLik === NEG_INF) return Infinity; // zero_infinity: gradient stays 0
  // d nll / d logit[t,k] = softmax[t,k] − Σ_{s: ext[s]=k} exp(α_t(s) + β_t(s) − lp[t,k] − logLik)
  const occ = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    occ.fill(NEG_INF);
    for (let s = 0; s < S; s++) {
      const ab = alpha[t * S + s] + beta[t * S + s];
      if (ab !== NEG_INF) occ[ext[s]] = logAdd(occ[ext[s]], ab - lp[t * C + ext[s]]);
    }
    const g = base + t * C;
    for (let k = 0; k < C; k++) {
      const p = Math.exp(lp[t * C + k]);
      const gamma = occ[k] === NEG_INF ? 0 : Math.exp(occ[k] - logLik);
      grad[g + k] = p - gamma;
    }
  }
  return -logLik;
}

/**
 * CTC loss as a differentiable tfjs op: logits [N,T,C] → per-sample loss [N]
 * (infinite losses reported as 0 with zero gradient). The gradient is computed in the
 * same pass as the loss, so the backward step costs only a multiply.
 */
export function ctcLoss(logits: tf.Tensor3D, labels: number[][], inputLengths: number[], blank = 0): tf.Tensor1D {
  const op = tf.customGrad((x, save) => {
    const t = x as tf.Tensor3D;
    const { nll, grad } = ctcLossAndGrad(
      { logits: t.dataSync() as Float32Array, shape: t.shape as [number, number, number], labels, inputLengths },
      blank,
    );
    const finite = Float32Array.from(nll, (v) => (Number.isFinite(v) ? v : 0));
    const g = tf.tensor3d(grad, t.shape as [number, number, number]);
    (save as tf.GradSaveFunc)([g]);
    return {
      value: tf.tensor1d(finite),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.reshape(dy, [-1, 1, 1])),
    };
  });
  return op(logits) as tf.Tensor1D;
}
