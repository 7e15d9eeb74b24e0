// CTC prefix beam search with a character language model (shallow fusion): a prefix's
// score is its CTC log-probability plus `weight` times the language model's log-probability
// of its characters, plus `bonus` per character (a language model alone prefers short
// lines; the bonus offsets that). Hannun et al., "First-pass large vocabulary continuous
// speech recognition using bi-directional recurrent DNNs" (2014), §3; the weights are
// chosen on lines with known text, as PyLaia's decoder does.
//
// Only characters with a posterior above `minProb` in a frame are tried as extensions
// there: the rest would add less than the beams already hold, and trying every class of a
// 150-character alphabet at every frame is what made the plain beam search slow.
import { alignmentConfidence, type Decoded, type Posteriors } from './decode.ts';
import { logAdd, NEG_INF } from './log-space.ts';
import { LINE_END } from './char-lm.ts';

/** What the decoder needs of a language model (CharLm has it). */
export interface LanguageScorer {
  readonly order: number;
  /** Natural log of P(ch | before); `before` holds at least the last order-1 characters of the line. */
  logProb(before: string, ch: string): number;
}

export interface LmDecoding {
  lm: LanguageScorer;
  /** The character of each class; index 0 (the blank) is unused. */
  chars: readonly string[];
  /** Language-model weight (0: plain prefix beam search). */
  weight: number;
  /** Added per emitted character. */
  bonus: number;
  beamWidth: number;
  /** Frames' classes below this posterior are not tried as extensions. */
  minProb?: number;
}

interface Prefix {
  key: string;
  labels: number[];
  /** The last order-1 characters: all the language model reads. */
  tail: string;
  pBlank: number;
  pLabel: number;
  /** weight · log P_lm(characters) + bonus · characters. */
  lmScore: number;
}

const score = (b: Prefix) => logAdd(b.pBlank, b.pLabel) + b.lmScore;

export function lmBeamDecode(p: Posteriors, o: LmDecoding, blank = 0): Decoded {
  const { logProbs, length: T, classes: C } = p;
  const minLog = Math.log(o.minProb ?? 1e-3);
  const keep = Math.max(0, o.lm.order - 1);
  let beams: Prefix[] = [{ key: '', labels: [], tail: '', pBlank: 0, pLabel: NEG_INF, lmScore: 0 }];
  for (let t = 0; t < T; t++) {
    const row = t * C;
    const candidates: number[] = [];
    let best = -1;
    for (let c = 0; c < C; c++) {
      if (c === blank) continue;
      if (best < 0 || logProbs[row + c] > logProbs[row + best]) best = c;
      if (logProbs[row + c] >= minLog) candidates.push(c);
    }
    if (best >= 0 && !candidates.includes(best)) candidates.push(best);
    // Prefixes by key: the labels as a string of code units (concatenation is cheap in V8;
    // copying and joining label arrays for every candidate was not).
    const next = new Map<string, Prefix>();
    for (const beam of beams) {
      const total = logAdd(beam.pBlank, beam.pLabel);
      let stay = next.get(beam.key);
      if (!stay) next.set(beam.key, (stay = { ...beam, pBlank: NEG_INF, pLabel: NEG_INF }));
      stay.pBlank = logAdd(stay.pBlank, total + logProbs[row + blank]);
      const last = beam.labels.length ? beam.labels[beam.labels.length - 1] : -1;
      if (last >= 0) stay.pLabel = logAdd(stay.pLabel, beam.pLabel + logProbs[row + last]);
      for (const c of candidates) {
        const key = beam.key + String.fromCharCode(c);
        let ext = next.get(key);
        if (!ext) {
          const ch = o.chars[c];
          ext = {
            key,
            labels: [...beam.labels, c],
            tail:
              keep === 0
                ? ''
                : Array.from(beam.tail + ch)
                    .slice(-keep)
                    .join(''),
            pBlank: NEG_INF,
            pLabel: NEG_INF,
            lmScore: beam.lmScore + o.weight * o.lm.logProb(beam.tail, ch) + o.bonus,
          };
          next.set(key, ext);
        }
        // Repeating the last label needs a blank in between.
        ext.pLabel = logAdd(ext.pLabel, (c === last ? beam.pBlank : total) + logProbs[row + c]);
      }
    }
    beams = [...next.values()].sort((a, b) => score(b) - score(a)).slice(0, o.beamWidth);
  }
  // The line ends here: the language model scores that too.
  let winner = beams[0];
  let winnerScore = NEG_INF;
  for (const b of beams) {
    const s = score(b) + o.weight * o.lm.logProb(b.tail, LINE_END);
    if (s > winnerScore) [winner, winnerScore] = [b, s];
  }
  const charConfidence = alignmentConfidence(p, winner.labels, blank);
  const lineConfidence = charConfidence.length ? charConfidence.reduce((a, b) => a + b, 0) / charConfidence.length : 1;
  return { labels: winner.labels, charConfidence, lineConfidence };
}

/** A language model that has no opinion: every character costs nothing. */
const SILENT: LanguageScorer = { order: 1, logProb: () => 0 };

/**
 * CTC prefix beam search without a language model (every class tried in every frame).
 * Character confidences come from a Viterbi alignment of the winning text to the posteriors.
 */
export function beamDecode(p: Posteriors, beamWidth = 8, blank = 0): Decoded {
  const chars = Array.from({ length: p.classes }, () => '');
  return lmBeamDecode(p, { lm: SILENT, chars, weight: 0, bonus: 0, beamWidth, minProb: 0 }, blank);
}
