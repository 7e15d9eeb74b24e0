// How one backend's parity answers (parity-case.ts) compare with the cpu reference's: the
// worst relative differences and whether each is within the parity tolerance. Shared by
// the parity test (test/unit/ml/backend-parity.test.ts) and the GPU check
// (bench/gpu-check.ts), so both judge a backend by the same rule.
import type { ParityResult } from './parity-case.ts';

export const PARITY_TOLERANCE = 1e-4;

/** Largest difference relative to the reference tensor's largest magnitude. */
export function relativeDiff(ref: number[], got: number[]): number {
  if (got.length !== ref.length) return Infinity;
  let scale = 1e-6;
  for (const x of ref) scale = Math.max(scale, Math.abs(x));
  let worst = 0;
  ref.forEach((x, i) => {
    worst = Math.max(worst, Math.abs(x - got[i]) / scale);
  });
  return worst;
}

export interface ParityComparison {
  /** |loss − ref| / |ref|. */
  loss: number;
  /** The worst gradient, by relativeDiff, and its weight's name. */
  worstGradient: { name: string; diff: number };
  /** relativeDiff of the losses after the two Adam steps. */
  lossAfterSteps: number;
  /** The largest difference of a reading's confidence. */
  confidence: number;
  readingsMatch: boolean;
  /** Empty when the backend matches the reference within PARITY_TOLERANCE. */
  failures: string[];
}

export function compareParity(ref: ParityResult, got: ParityResult, tolerance = PARITY_TOLERANCE): ParityComparison {
  const failures: string[] = [];
  const loss = Math.abs(got.loss - ref.loss) / Math.abs(ref.loss);
  if (!(loss <= tolerance)) failures.push(`loss ${got.loss} vs ${ref.loss}`);
  const names = Object.keys(ref.grads).sort();
  if (names.join() !== Object.keys(got.grads).sort().join()) failures.push('the gradients are of different weights');
  let worstGradient = { name: '', diff: 0 };
  for (const name of names) {
    const diff = got.grads[name] ? relativeDiff(ref.grads[name], got.grads[name]) : Infinity;
    if (!(diff <= tolerance)) failures.push(`${name}: gradient differs by ${diff.toExponential(2)} of its largest entry`);
    if (!(diff <= worstGradient.diff)) worstGradient = { name, diff };
  }
  const lossAfterSteps = relativeDiff(ref.lossAfterSteps, got.lossAfterSteps);
  if (!(lossAfterSteps <= tolerance)) failures.push(`losses after steps ${got.lossAfterSteps} vs ${ref.lossAfterSteps}`);
  const readingsMatch = got.readings.length === ref.readings.length && got.readings.every((r, i) => r.text === ref.readings[i].text);
  if (!readingsMatch)
    failures.push(`readings ${JSON.stringify(got.readings.map((r) => r.text))} vs ${JSON.stringify(ref.readings.map((r) => r.text))}`);
  let confidence = 0;
  got.readings.forEach((r, i) => {
    const d = Math.abs(r.confidence - (ref.readings[i]?.confidence ?? NaN));
    if (!(d <= tolerance)) failures.push(`confidence of line ${i}`);
    confidence = Number.isNaN(d) ? Infinity : Math.max(confidence, d);
  });
  return { loss, worstGradient, lossAfterSteps, confidence, readingsMatch, failures };
}
