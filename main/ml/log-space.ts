// Probabilities in log space, shared by CTC's forward-backward pass and the beam decoder.
export const NEG_INF = -Infinity;

/** log(exp(a) + exp(b)) without overflow; exact when either term is log 0. */
export function logAdd(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
