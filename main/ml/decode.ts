// CTC decoding of one line's posteriors: greedy (best path) here; prefix beam search, with
// or without a language model, in lm-decode.ts.
// Both return label indices plus a confidence per emitted character: the mean posterior
// of the frames that the best alignment assigns to that character. The line confidence is
// the mean of the character confidences (1 for an empty line that is confidently blank).
import { NEG_INF } from './log-space.ts';

export interface Posteriors {
  /** Log-probabilities, row-major [T, C]. */
  logProbs: Float32Array;
  /** Frames that belong to the line (padding beyond is ignored). */
  length: number;
  classes: number;
}

export interface Decoded {
  labels: number[];
  /** One value in [0,1] per label. */
  charConfidence: number[];
  lineConfidence: number;
}

function meanOr(values: number[], empty: number): number {
  return values.length === 0 ? empty : values.reduce((a, b) => a + b, 0) / values.length;
}

export function greedyDecode(p: Posteriors, blank = 0): Decoded {
  const { logProbs, length: T, classes: C } = p;
  const labels: number[] = [];
  const charConfidence: number[] = [];
  const blankProbs: number[] = [];
  let prev = blank;
  let frames: number[] = [];
  const flush = () => {
    if (frames.length) charConfidence.push(meanOr(frames, 0));
    frames = [];
  };
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (logProbs[t * C + c] > logProbs[t * C + best]) best = c;
    const prob = Math.exp(logProbs[t * C + best]);
    if (best === blank) {
      blankProbs.push(prob);
      flush();
    } else if (best === prev) {
      frames.push(prob);
    } else {
      flush();
      labels.push(best);
      frames.push(prob);
    }
    prev = best;
  }
  flush();
  return { labels, charConfidence, lineConfidence: meanOr(charConfidence, meanOr(blankProbs, 1)) };
}

/** Viterbi-aligns `labels` to the posteriors and averages each label's frame posteriors. */
export function alignmentConfidence(p: Posteriors, labels: number[], blank = 0): number[] {
  const { logProbs, length: T, classes: C } = p;
  const S = 2 * labels.length + 1;
  if (labels.length === 0 || T === 0) return [];
  const ext = Array.from({ length: S }, (_, s) => (s % 2 === 0 ? blank : labels[(s - 1) >> 1]));
  const score = new Float64Array(T * S).fill(NEG_INF);
  const from = new Int32Array(T * S).fill(-1);
  score[0] = logProbs[ext[0]];
  if (S > 1) score[1] = logProbs[ext[1]];
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let bestPrev = s;
      let v = score[(t - 1) * S + s];
      if (s >= 1 && score[(t - 1) * S + s - 1] > v) {
        v = score[(t - 1) * S + s - 1];
        bestPrev = s - 1;
      }
      if (s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2] && score[(t - 1) * S + s - 2] > v) {
        v = score[(t - 1) * S + s - 2];
        bestPrev = s - 2;
      }
      if (v === NEG_INF) continue;
      score[t * S + s] = v + logProbs[t * C + ext[s]];
      from[t * S + s] = bestPrev;
    }
  }
  let s = S > 1 && score[(T - 1) * S + S - 2] > score[(T - 1) * S + S - 1] ? S - 2 : S - 1;
  if (score[(T - 1) * S + s] === NEG_INF) return labels.map(() => 0); // text cannot be aligned
  const sums = new Float64Array(labels.length);
  const counts = new Int32Array(labels.length);
  for (let t = T - 1; t >= 0; t--) {
    if (s % 2 === 1) {
      sums[(s - 1) >> 1] += Math.exp(logProbs[t * C + ext[s]]);
      counts[(s - 1) >> 1]++;
    }
    s = from[t * S + s];
  }
  return Array.from(sums, (v, i) => (counts[i] ? v / counts[i] : 0));
}
